import type { Db, Tx } from './database.js';

/**
 * Errors after which the whole transaction was rolled back and running it again is safe: MySQL's
 * deadlock victim and lock wait timeout, and SQLite's "database is locked" when another process (the
 * admin CLI beside the embedded service) wrote between this transaction's read and its write, which
 * SQLite refuses at once, without its busy timeout's wait (`SQLITE_BUSY_SNAPSHOT`). Not a plain
 * `SQLITE_BUSY`: that comes after the busy timeout's wait, which better-sqlite3 spends on the event
 * loop, so each retry would stop the whole service for as long again.
 */
const retryableCodes = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY_SNAPSHOT']);

/**
 * Runs `work` in a transaction, again (up to three times in all) when it lost to another
 * (`retryableCodes`). Work must therefore not have effects outside the database before it commits.
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= 3 || typeof code !== 'string' || !retryableCodes.has(code)) throw error;
      // A short random pause keeps the two victims of a deadlock from meeting again at once.
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

/**
 * Reads that must agree with each other (a demand and its applications, a page and its count), in
 * one transaction: InnoDB at REPEATABLE READ (each connection asks for it) and SQLite both answer its
 * statements from one snapshot, taken at its first read, so a change committed between two of them
 * shows in both or in neither. Run apart, a payment or a selection committed in between showed a
 * demand unpaid beside its applicants selected. Called inside a snapshot, it reads from that one:
 * a view made of several services' reads (the operators' demand view) passes its own down.
 */
export function readConsistently<T>(db: Db, reads: (tx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? reads(db as Tx) : inTransaction(db, reads);
}

/**
 * A page of rows and the total it is a page of, from one snapshot (readConsistently), one after
 * the other. Side by side on two connections, a row written between the two statements was counted
 * and not shown, or shown and not counted: 9 in all beside the 8 rows of the only page.
 */
export function pageWithTotal<R>(
  db: Db,
  page: (tx: Tx) => Promise<R[]>,
  total: (tx: Tx) => Promise<number>,
): Promise<{ rows: R[]; total: number }> {
  return readConsistently(db, async (tx) => {
    const rows = await page(tx);
    return { rows, total: await total(tx) };
  });
}

/**
 * Database work a caller adds at the end of a service's transaction, so that it is committed with
 * the service's change or not at all: the audit record of an admin's action is never missing from
 * a change made, nor present for one undone. Run again with the rest when a deadlock is retried, so
 * it too must do nothing outside the database.
 */
export type AlsoInTransaction = (tx: Tx) => Promise<void>;

/**
 * Database work a caller adds to a service's transaction once the service holds the lock on the
 * row its change depends on, and before it changes anything: what it reads is the state the change
 * is made to, which no other transaction can change until this one ends (SQLite runs one write
 * transaction at a time). Run again when a deadlock is retried, so it must do nothing outside the
 * database.
 */
export type BeforeChange = (tx: Tx) => Promise<void>;

/** The work a caller adds to a service's change, in its transaction: AdminActions records with it. */
export interface ChangeHooks {
  readonly beforeChange?: BeforeChange;
  readonly alsoInTransaction?: AlsoInTransaction;
}
