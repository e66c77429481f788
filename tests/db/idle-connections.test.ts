import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { createConnection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/src/db/database.js';
import { testDatabaseUrl, testRequestLimits } from '../support/backends.js';
import { eventually } from '../support/eventually.js';

/**
 * mysql2 kept a pool's connections for good: after a burst, instances whose pools together reached
 * MySQL's max_connections held every connection while idle, and an operator could not connect even
 * after traffic had stopped. Request traffic's pool now closes a connection left unused for
 * `idleMs` (a minute in the service; a fraction of a second here).
 */
describe.skipIf(!testDatabaseUrl)('request traffic’s MySQL pool and its idle connections', () => {
  const idleMs = 400;
  const openPool = (): Database =>
    openDatabase({
      url: testDatabaseUrl ?? '',
      dataDir: tmpdir(),
      poolSize: 5,
      limits: { ...testRequestLimits, idleMs },
    });
  const connectionId = async (database: Database, sleepSeconds: number) =>
    Number(
      (
        await sql<{ id: number }>`SELECT CONNECTION_ID() AS id, SLEEP(${sleepSeconds}) AS slept`.execute(
          database.db,
        )
      ).rows[0]?.id,
    );
  /** Which of `ids` the server still has open, asked on a connection of the test's own. */
  const stillOpen = async (ids: readonly number[]) => {
    const observer = await createConnection(testDatabaseUrl ?? '');
    try {
      const [rows] = await observer.query(
        'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID IN (?)',
        [ids],
      );
      return (rows as { id: number }[]).map((row) => Number(row.id));
    } finally {
      await observer.end();
    }
  };

  it('closes the connections a burst opened once they stay unused, and opens one again when asked', async () => {
    const database = openPool();
    try {
      const burst = await Promise.all(Array.from({ length: 5 }, () => connectionId(database, 0.05)));
      expect(new Set(burst).size).toBe(5);
      expect(database.poolStats?.().idle).toBe(5);

      await eventually(
        async () => ({ pool: database.poolStats?.(), open: await stillOpen(burst) }),
        ({ pool, open }) => pool?.idle === 0 && pool.inUse === 0 && open.length === 0,
        5_000,
      );

      // The next query opens a connection of its own, with the per-connection settings made anew.
      const next = await sql<{ limit: number }>`SELECT @@SESSION.max_statement_time AS \`limit\``.execute(
        database.db,
      );
      expect(Number(next.rows[0]?.limit)).toBe(testRequestLimits.statementTimeoutMs / 1000);
    } finally {
      await database.close();
    }
  });

  it('keeps the connections in use, however long the traffic lasts', async () => {
    const database = openPool();
    try {
      const seen = new Set<number>();
      const until = Date.now() + 3 * idleMs;
      // Three callers one query after another: each connection is back in use within milliseconds.
      await Promise.all(
        Array.from({ length: 3 }, async () => {
          while (Date.now() < until) seen.add(await connectionId(database, 0.01));
        }),
      );
      expect(seen.size).toBeLessThanOrEqual(3);
      expect(await stillOpen([...seen])).toHaveLength(seen.size);
    } finally {
      await database.close();
    }
  });
});
