/*
 * The auth feature's table. Sessions themselves live in the key-value store; only the login tokens
 * brought over from the old backend wait here, until their first use (imported-sessions.ts).
 */

/** A login token of the old backend, as its keyed hash, until its first use makes it a session. */
export interface ImportedSessionsTable {
  token_hash: string;
  user_id: number;
  /** unix ms */
  expires_at: number;
}
