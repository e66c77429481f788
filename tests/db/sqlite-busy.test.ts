import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, isDatabaseUnavailable, openDatabase } from '../../server/src/db/database.js';
import { inTransaction } from '../../server/src/db/transaction.js';

/**
 * The embedded database written by two processes at once: the service and the admin CLI beside it,
 * run as the README says (the same DATA_DIR). A transaction that had read, then wrote after the other
 * process's commit, failed at once with "database is locked" (SQLite cannot move a read snapshot
 * that old to a write, and its busy timeout does not wait for that), and its request answered 500:
 * two of ~47,000 in a probe's run with the CLI crediting and approving in a loop.
 */
describe('the embedded database written by two processes at once', () => {
  const opened: Database[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()));
  });

  /** Two connections to one file, as two processes have. */
  const twoConnections = () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'svc-busy-')), 'app.db');
    const service = openDatabase({ url: undefined, dataDir: tmpdir(), sqliteFile: file, poolSize: 1 });
    const cli = openDatabase({ url: undefined, dataDir: tmpdir(), sqliteFile: file, poolSize: 1 });
    opened.push(service, cli);
    return { service, cli };
  };

  it('runs a transaction again when another process wrote between its read and its write', async () => {
    const { service, cli } = twoConnections();
    await sql`CREATE TABLE wallet (id INTEGER PRIMARY KEY, fen INTEGER NOT NULL)`.execute(service.db);
    await sql`INSERT INTO wallet VALUES (1, 100)`.execute(service.db);

    let attempts = 0;
    const seen = await inTransaction(service.db, async (tx) => {
      attempts++;
      const { rows } = await sql<{ fen: number }>`SELECT fen FROM wallet WHERE id = 1`.execute(tx);
      // The other process credits the wallet after this transaction's read, before its write.
      if (attempts === 1) await sql`UPDATE wallet SET fen = fen + 50 WHERE id = 1`.execute(cli.db);
      await sql`UPDATE wallet SET fen = fen + 1 WHERE id = 1`.execute(tx);
      return rows[0]?.fen;
    });

    expect(attempts).toBe(2);
    // The second attempt read the credit: nothing of either write lost.
    expect(seen).toBe(150);
    const { rows } = await sql<{ fen: number }>`SELECT fen FROM wallet WHERE id = 1`.execute(cli.db);
    expect(rows[0]?.fen).toBe(151);
  });

  it('does not run again a transaction that waited out the busy timeout, which stops the whole service', async () => {
    // better-sqlite3 waits for a lock on the event loop: each retry of a plain SQLITE_BUSY would stop
    // every request for the busy timeout again (5 s in the service; 50 ms here).
    const { service, cli } = twoConnections();
    await sql`CREATE TABLE wallet (id INTEGER PRIMARY KEY, fen INTEGER NOT NULL)`.execute(service.db);
    await sql`INSERT INTO wallet VALUES (1, 100)`.execute(service.db);
    await sql`PRAGMA busy_timeout = 50`.execute(service.db);
    // The other process holds the write lock (a long import, a sqlite3 shell left in BEGIN).
    await sql`BEGIN IMMEDIATE`.execute(cli.db);
    let attempts = 0;
    const failure = await inTransaction(service.db, async (tx) => {
      attempts++;
      await sql`UPDATE wallet SET fen = fen + 1 WHERE id = 1`.execute(tx);
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await sql`ROLLBACK`.execute(cli.db);
    expect(attempts).toBe(1);
    expect((failure as { code?: string }).code).toBe('SQLITE_BUSY');
    expect(isDatabaseUnavailable(failure)).toBe(true);
  });

  it('counts a database still locked after the retries as unavailable (503), not as a bug (500)', async () => {
    const { service, cli } = twoConnections();
    await sql`CREATE TABLE wallet (id INTEGER PRIMARY KEY, fen INTEGER NOT NULL)`.execute(service.db);
    await sql`INSERT INTO wallet VALUES (1, 100)`.execute(service.db);
    const failure = await inTransaction(service.db, async (tx) => {
      await sql`SELECT fen FROM wallet WHERE id = 1`.execute(tx);
      await sql`UPDATE wallet SET fen = fen + 50 WHERE id = 1`.execute(cli.db);
      await sql`UPDATE wallet SET fen = fen + 1 WHERE id = 1`.execute(tx);
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
    expect(isDatabaseUnavailable(failure)).toBe(true);
  });
});
