import { sql } from 'kysely';
import type { Database } from '../db/database.js';

/** Another import into the same database is running: this one wrote nothing. */
export class ImportAlreadyRunning extends Error {
  constructor() {
    super(
      'another import-legacy is writing into this database: let it finish, then run the command again if it did not',
    );
  }
}

/**
 * The lock's name: one per new database (GET_LOCK names are server-wide), at most 64 characters.
 */
const lockName = sql`concat('legacy-import:', sha1(database()))`;

/**
 * Runs `work` holding the import's lock on the new MySQL database, so that two imports started at
 * once do not both write: each would fail the other's batches with duplicate keys, and neither
 * finish. A MySQL named lock lives with the connection that took it, so a killed run leaves none
 * behind; the connection is held for the run. The embedded SQLite database has no such lock: it is
 * one file, which one import writes at a time anyway (its transactions take it whole).
 */
export async function withImportLock<T>(database: Database, work: () => Promise<T>): Promise<T> {
  if (database.dialect !== 'mysql') return work();
  return database.db.connection().execute(async (connection) => {
    const { rows } = await sql<{
      got: number | string | null;
    }>`select get_lock(${lockName}, 0) as got`.execute(connection);
    if (Number(rows[0]?.got) !== 1) throw new ImportAlreadyRunning();
    try {
      return await work();
    } finally {
      // Best effort: a connection that broke meanwhile took the lock with it.
      await sql`select release_lock(${lockName})`.execute(connection).catch(() => undefined);
    }
  });
}
