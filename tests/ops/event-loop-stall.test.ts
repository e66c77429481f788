import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/src/db/database.js';
import { RedisStore } from '../../server/src/kv/redis-store.js';
import { testDatabaseUrl, testRedisUrl } from '../support/backends.js';

/**
 * The event loop stalled longer than DB_TIMEOUT_MS (one request's long synchronous work) while
 * MySQL answered in time: the answers wait in the sockets, and the pool's watchdog, a timer, ran
 * before they were read. It took every query in flight for unanswered, replaced the connections
 * and counted MySQL as unreachable, so other users' requests were answered 503 for a stall.
 */
const stall = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else runs, as under a request's long synchronous work
  }
};

// The stores are opened in beforeAll: a skipped suite's body still runs, to list its tests.
describe.runIf(testDatabaseUrl)('a stalled event loop, on MySQL', () => {
  let database: Database;
  beforeAll(() => {
    database = openDatabase({
      url: testDatabaseUrl,
      dataDir: tmpdir(),
      poolSize: 2,
      limits: { statementTimeoutMs: 5_000, timeoutMs: 200 },
    });
  });
  afterAll(() => database.close());

  it('reads the answers MySQL sent meanwhile before judging their deadlines', async () => {
    // Both connections open: a connection being made keeps mysql2's own connect timer.
    await Promise.all([sql`select 1`.execute(database.db), sql`select 1`.execute(database.db)]);
    for (let round = 0; round < 3; round++) {
      const queries = [1, 2, 3].map((n) =>
        sql<{ n: number }>`select ${n} as n`.execute(database.db).then(
          (result) => Number(result.rows[0]?.n),
          (error: unknown) => (error as { code?: string }).code ?? String(error),
        ),
      );
      stall(600);
      expect(await Promise.all(queries)).toEqual([1, 2, 3]);
    }
    expect(await sql<{ n: number }>`select 4 as n`.execute(database.db)).toMatchObject({ rows: [{ n: 4 }] });
  });
});

/**
 * The same on Redis: ioredis's command and socket timeouts are timers too. A stall past
 * REDIS_TIMEOUT_MS failed every command in flight ("Command timed out") and destroyed the
 * connection, though every reply had come: a burst of 503s and an outage in the log for a garbage
 * collection or a starved CPU (patches/README.md).
 */
describe.runIf(testRedisUrl)('a stalled event loop, on Redis', () => {
  let store: RedisStore;
  beforeAll(() => {
    store = new RedisStore({ url: testRedisUrl as string, keyPrefix: 'stall-test:', timeoutMs: 200 });
  });
  afterAll(() => store.close());

  it('reads the replies Redis sent meanwhile before judging their timeouts', async () => {
    await store.waitUntilReady(5_000);
    for (let round = 0; round < 3; round++) {
      const commands = Array.from({ length: 10 }, (_, i) =>
        store.set(`k${i}`, `round ${round}`, 10_000).then(
          () => 'ok',
          (error: unknown) => String(error),
        ),
      );
      stall(600);
      expect(await Promise.all(commands)).toEqual(Array(10).fill('ok'));
    }
    // The connection was kept, not torn down by its socket timeout.
    expect(store.status).toBe('ready');
    expect(await store.get('k0')).toBe('round 2');
  });
});
