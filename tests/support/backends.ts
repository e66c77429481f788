import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { inject } from 'vitest';
import type { Clock } from '../../server/src/clock.js';
import { type Database, type DatabaseOptions, openDatabase } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrator.js';
import { MemoryStore } from '../../server/src/kv/memory-store.js';
import { RedisStore } from '../../server/src/kv/redis-store.js';
import type { KeyValueStore } from '../../server/src/kv/store.js';
import type { TcpProxy } from './tcp-proxy.js';

/**
 * The stores a suite runs against: always the embedded ones, and MySQL + Redis as well when
 * TEST_DATABASE_URL / TEST_REDIS_URL are set (as .ci/run does). No database is ever mocked.
 */
export interface Backend {
  readonly name: 'embedded' | 'mysql+redis' | 'mysql+redis-cluster';
  open(clock: Clock): Promise<OpenBackend>;
}

export interface OpenBackend {
  readonly database: Database;
  readonly kv: KeyValueStore;
  close(): Promise<void>;
}

export const embedded: Backend = {
  name: 'embedded',
  async open(clock) {
    const dir = mkdtempSync(path.join(tmpdir(), 'svc-test-'));
    const database = openDatabase({ url: undefined, dataDir: dir, poolSize: 1 });
    await migrateToLatest(database.db);
    const kv = new MemoryStore(() => clock.now());
    return {
      database,
      kv,
      async close() {
        await kv.close();
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;
export const testRedisUrl = process.env.TEST_REDIS_URL;
/** The Redis Cluster the global setup started for this run (`redis-cluster://...`), or ''. */
export const testRedisClusterUrl = inject('redisClusterUrl');

/**
 * Request traffic's time limits, as the service runs with them (tests/ops/outage.test.ts checks the
 * defaults), but generous: a test machine shared by two workers and other engineers is slow, and a
 * suite about money must not fail on a statement the limit stopped.
 */
export const testRequestLimits = { statementTimeoutMs: 10_000, timeoutMs: 15_000 };

/** MySQL and a Redis store on `redisUrl`: a single node or the cluster. */
const mysqlAnd = (name: Backend['name'], redisUrl: string): Backend => ({
  name,
  async open() {
    const database = openDatabase({
      url: testDatabaseUrl,
      dataDir: tmpdir(),
      poolSize: 5,
      limits: testRequestLimits,
    });
    const kv = await openRedis(redisUrl);
    return {
      database,
      kv,
      async close() {
        await kv.close();
        await database.close();
      },
    };
  },
});

/**
 * A Redis store under a key prefix of its own, so parallel test files never see each other's keys.
 * Its command timeout is generous, like `testRequestLimits`, unless a test asks for the service's.
 */
export async function openRedis(url: string, timeoutMs = 5000): Promise<RedisStore> {
  const store = new RedisStore({ url, keyPrefix: `test:${randomBytes(6).toString('hex')}:`, timeoutMs });
  await store.waitUntilReady(5000);
  return store;
}

/** The MySQL URL `target`, reached through `proxy` instead. */
export function urlThrough(target: URL, proxy: TcpProxy): string {
  const url = new URL(target);
  url.host = `127.0.0.1:${proxy.port}`;
  return url.toString();
}

/**
 * MySQL reached through `proxy` (which a test stops or stalls to play a crashed or frozen server),
 * with Redis as usual: a backend whose database can be taken away.
 */
export function mysqlThroughProxy(
  target: URL,
  proxy: TcpProxy,
  options: Pick<DatabaseOptions, 'poolSize' | 'limits'>,
): Backend {
  return {
    name: 'mysql+redis',
    async open() {
      const database = openDatabase({ url: urlThrough(target, proxy), dataDir: tmpdir(), ...options });
      const kv = await openRedis(testRedisUrl ?? 'redis://127.0.0.1:6379');
      return {
        database,
        kv,
        close: async () => Promise.all([kv.close(), database.close()]).then(() => {}),
      };
    },
  };
}

export const backends: readonly Backend[] = [
  embedded,
  ...(testDatabaseUrl && testRedisUrl ? [mysqlAnd('mysql+redis', testRedisUrl)] : []),
  ...(testDatabaseUrl && testRedisClusterUrl ? [mysqlAnd('mysql+redis-cluster', testRedisClusterUrl)] : []),
];

/**
 * A database of the backend's kind that no other test file shares: a fresh SQLite file, or a
 * MySQL database created next to the test database and dropped on close. For tests that write so
 * many rows that they would crowd other files' views of the shared one (a public list's newest 100).
 */
export async function openPrivateDatabase(
  backend: Backend,
): Promise<{ database: Database; close(): Promise<void> }> {
  if (backend.name === 'embedded') {
    const dir = mkdtempSync(path.join(tmpdir(), 'svc-private-'));
    const database = openDatabase({ url: undefined, dataDir: dir, poolSize: 1 });
    await migrateToLatest(database.db);
    return {
      database,
      async close() {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = new URL(testDatabaseUrl as string);
  const name = `svc_private_${randomBytes(6).toString('hex')}`;
  const admin = openDatabase({ url: url.toString(), dataDir: tmpdir(), poolSize: 1 });
  await sql.raw(`create database ${name} character set utf8mb4 collate utf8mb4_unicode_ci`).execute(admin.db);
  url.pathname = `/${name}`;
  const database = openDatabase({ url: url.toString(), dataDir: tmpdir(), poolSize: 5 });
  await migrateToLatest(database.db);
  return {
    database,
    async close() {
      await database.close();
      await sql.raw(`drop database if exists ${name}`).execute(admin.db);
      await admin.close();
    },
  };
}

/**
 * The backend with a private database (openPrivateDatabase) and its usual key-value store, for
 * startTestApp: an app over thousands of seeded rows that no other test file sees.
 */
export function withPrivateDatabase(backend: Backend): Backend {
  return {
    name: backend.name,
    async open(clock) {
      const shared = await backend.open(clock);
      const own = await openPrivateDatabase(backend);
      return {
        database: own.database,
        kv: shared.kv,
        async close() {
          await own.close();
          await shared.close();
        },
      };
    },
  };
}
