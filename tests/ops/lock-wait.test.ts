import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, openDatabase } from '../../server/src/db/database.js';
import { testDatabaseUrl } from '../support/backends.js';

/**
 * A statement that waits on a row lock longer than DB_TIMEOUT_MS while MySQL answers everything
 * else. On MySQL the server-side limit (MAX_EXECUTION_TIME) covers SELECTs only, so an UPDATE
 * waiting on a lock held by a long transaction (an import, an admin's session, another instance's
 * slow request) is ended by the client-side deadline alone. That one request answers 503; the
 * rest of the instance's traffic must not be refused as if MySQL were unreachable.
 */
describe.runIf(testDatabaseUrl)('a write stuck on a row lock past the time limit', () => {
  const table = 'review_lock_wait_probe';
  // The server's statement limit set far off, as MySQL's is for writes; the client's at its default.
  const requests = openDatabase({
    url: testDatabaseUrl,
    dataDir: tmpdir(),
    poolSize: 4,
    limits: { statementTimeoutMs: 30_000, timeoutMs: 750 },
  });
  const direct = openDatabase({ url: testDatabaseUrl, dataDir: tmpdir(), poolSize: 2 });

  beforeAll(async () => {
    await sql
      .raw(`create table if not exists ${table} (id int primary key, n int not null)`)
      .execute(direct.db);
    await sql.raw(`insert ignore into ${table} (id, n) values (1, 0)`).execute(direct.db);
  });
  afterAll(async () => {
    await sql.raw(`drop table if exists ${table}`).execute(direct.db);
    await Promise.all([requests.close(), direct.close()]);
  });

  it('fails that statement alone; every other query of the pool is answered meanwhile', async () => {
    await sql`select 1`.execute(requests.db);
    const holder = await direct.db.startTransaction().execute();
    try {
      await sql.raw(`select n from ${table} where id = 1 for update`).execute(holder);
      const stuck = sql
        .raw(`update ${table} set n = n + 1 where id = 1`)
        .execute(requests.db)
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      // Other requests' queries, one every 20 ms, while the update waits and after it gave up.
      const others: unknown[] = [];
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        others.push(
          await sql`select 1 as n`.execute(requests.db).then(
            () => 'ok',
            (error: unknown) => (error as { code?: string }).code ?? String(error),
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const error = await stuck;
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(others.filter((outcome) => outcome !== 'ok')).toEqual([]);
    } finally {
      await holder.rollback().execute();
    }
  });
});
