import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/src/db/database.js';
import { readConsistently } from '../../server/src/db/transaction.js';
import { testDatabaseUrl, testRequestLimits } from '../support/backends.js';
import { canStartMariaDb, MariaDbServer } from '../support/mariadb-server.js';

/**
 * readConsistently's reads come from one snapshot only at REPEATABLE READ. That is MySQL's default,
 * but a server set to READ COMMITTED (some managed MySQL are) answered each read from its own
 * moment, so the owner's list showed a demand unpaid beside its applicants selected. Each connection
 * now asks for REPEATABLE READ itself. A server of this test's own is started at READ COMMITTED:
 * the shared one's default is the whole suite's, not a test's to change.
 */
const runs = Boolean(testDatabaseUrl) && (await canStartMariaDb());

describe.skipIf(!runs)('snapshots on a server whose default is READ COMMITTED', () => {
  let server: MariaDbServer;
  beforeAll(async () => {
    server = await MariaDbServer.start(['--transaction-isolation=READ-COMMITTED']);
  }, 60_000);
  afterAll(() => server?.stop());

  it.each([
    ['request traffic’s pool (with time limits)', { limits: testRequestLimits }],
    ['the pool of migrations and the admin CLI', {}],
  ])('reads from one snapshot through %s', async (_, options) => {
    const database: Database = openDatabase({ url: server.url, dataDir: tmpdir(), poolSize: 2, ...options });
    try {
      const { db } = database;
      await sql`CREATE TABLE IF NOT EXISTS counted (id INT AUTO_INCREMENT PRIMARY KEY)`.execute(db);
      await sql`INSERT INTO counted VALUES ()`.execute(db);
      const count = async (reader: typeof db) =>
        Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM counted`.execute(reader)).rows[0]?.n);
      const before = await count(db);

      const [first, second] = await readConsistently(db, async (tx) => {
        const first = await count(tx);
        // Committed by another connection between the snapshot's two reads.
        await sql`INSERT INTO counted VALUES ()`.execute(db);
        return [first, await count(tx)];
      });

      expect([first, second]).toEqual([before, before]);
      expect(await count(db)).toBe(before + 1);
    } finally {
      await database.close();
    }
  });
});
