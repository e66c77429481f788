import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/src/db/database.js';
import { testDatabaseUrl } from '../support/backends.js';

/** An isolation level, as MariaDB (`tx_isolation`) or MySQL 8 (`transaction_isolation`) names it. */
async function isolation(database: Database, scope: 'global' | 'session'): Promise<string> {
  for (const variable of ['tx_isolation', 'transaction_isolation']) {
    const found = await sql<{ level: string }>`select ${sql.raw(`@@${scope}.${variable}`)} as level`
      .execute(database.db)
      .catch(() => undefined);
    if (found?.rows[0]) return found.rows[0].level;
  }
  throw new Error('no isolation variable');
}

/**
 * The reads that must agree (db/transaction.ts readConsistently) take one snapshot at REPEATABLE
 * READ only. On a server whose default is READ COMMITTED each statement read its own, and a
 * demand showed unpaid beside its applicants selected again. Each connection sets its own level.
 * The server's default is changed for a moment (and put back): connections opened meanwhile by
 * other suites set their own level as well.
 */
describe.runIf(testDatabaseUrl)('connections on a server whose default is READ COMMITTED', () => {
  it('read at REPEATABLE READ, with and without the request limits', async () => {
    const admin = openDatabase({ url: testDatabaseUrl, dataDir: tmpdir(), poolSize: 1 });
    const previous = await isolation(admin, 'global');
    const opened: Database[] = [];
    try {
      await sql`SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED`.execute(admin.db);
      for (const limits of [undefined, { timeoutMs: 2_000, statementTimeoutMs: 5_000 }]) {
        const database = openDatabase({ url: testDatabaseUrl, dataDir: tmpdir(), poolSize: 1, limits });
        opened.push(database);
        expect(await isolation(database, 'session')).toBe('REPEATABLE-READ');
      }
    } finally {
      await sql.raw(`SET GLOBAL TRANSACTION ISOLATION LEVEL ${previous.replace('-', ' ')}`).execute(admin.db);
      for (const database of opened) await database.close();
      await admin.close();
    }
  });
});
