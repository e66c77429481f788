import type { Db, Tx } from '../../db/database.js';

export interface ImportedSession {
  readonly tokenHash: string;
  readonly userId: number;
  /** unix ms */
  readonly expiresAt: number;
}

/**
 * Login tokens brought over from the old backend, waiting in the database (as keyed hashes) until
 * their first use. The importer runs as its own process, possibly beside an in-process session
 * store that would forget anything it wrote; the database is what every instance shares.
 */
export class ImportedSessions {
  constructor(private readonly db: Db) {}

  /**
   * The waiting session under this hash, taken out of the table; null when there is none. Two
   * requests claiming one token at once both get it, which is harmless: both adopt the same session.
   */
  async claim(tokenHash: string): Promise<ImportedSession | null> {
    const row = await this.db
      .selectFrom('imported_sessions')
      .select(['user_id', 'expires_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return null;
    await this.db.deleteFrom('imported_sessions').where('token_hash', '=', tokenHash).execute();
    return { tokenHash, userId: row.user_id, expiresAt: Number(row.expires_at) };
  }

  /** Forgets one waiting session (its token logged out before its first use). */
  async drop(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('imported_sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Forgets every waiting session of the user: a password change or reset ends them too. */
  async dropAllOf(userId: number): Promise<void> {
    await this.db.deleteFrom('imported_sessions').where('user_id', '=', userId).execute();
  }
}

/** Writes waiting sessions in the importer's batch transaction; a token already waiting stays as it is. */
export async function insertImportedSessions(tx: Tx, sessions: readonly ImportedSession[]): Promise<void> {
  if (sessions.length === 0) return;
  await tx
    .insertInto('imported_sessions')
    .orIgnore()
    .values(sessions.map((s) => ({ token_hash: s.tokenHash, user_id: s.userId, expires_at: s.expiresAt })))
    .execute();
}
