import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/database.js';
import { testDatabaseUrl } from '../support/backends.js';

/**
 * The event loop stalled longer than DB_TIMEOUT_MS (one request's long synchronous work) while
 * MySQL answered in time: the answers wait in the sockets, and the pool's watchdog, a timer, ran
 * before they were read. It took every query in flight for unanswered, replaced the connections
 * and counted MySQL as unreachable, so other users' requests were answered 503 for a stall.
 */
describe.runIf(testDatabaseUrl)('a stalled event loop', () => {
  const database = openDatabase({
    url: testDatabaseUrl,
    dataDir: tmpdir(),
    poolSize: 2,
    limits: { statementTimeoutMs: 5_000, timeoutMs: 200 },
  });
  afterAll(() => database.close());

  const stall = (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // busy: nothing else runs, as under a request's long synchronous work
    }
  };

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
