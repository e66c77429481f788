import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Clock } from '../../server/src/clock.js';
import { type Database, openDatabase } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrator.js';
import { MemoryStore } from '../../server/src/kv/memory-store.js';
import { RedisStore } from '../../server/src/kv/redis-store.js';
import type { KeyValueStore } from '../../server/src/kv/store.js';

/**
 * The stores a suite runs against: always the embedded ones, and MySQL + Redis as well when
 * TEST_DATABASE_URL / TEST_REDIS_URL are set (as .ci/run does). No database is ever mocked.
 */
export interface Backend {
  readonly name: 'embedded' | 'mysql+redis';
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

const mysqlRedis: Backend = {
  name: 'mysql+redis',
  async open() {
    const database = openDatabase({ url: testDatabaseUrl, dataDir: tmpdir(), poolSize: 5 });
    const kv = await openRedis(testRedisUrl as string);
    return {
      database,
      kv,
      async close() {
        await kv.close();
        await database.close();
      },
    };
  },
};

/** A Redis store under a key prefix of its own, so parallel test files never see each other's keys. */
export async function openRedis(url: string): Promise<RedisStore> {
  const store = new RedisStore({ url, keyPrefix: `test:${randomBytes(6).toString('hex')}:` });
  await store.waitUntilReady(5000);
  return store;
}

export const backends: readonly Backend[] =
  testDatabaseUrl && testRedisUrl ? [embedded, mysqlRedis] : [embedded];
