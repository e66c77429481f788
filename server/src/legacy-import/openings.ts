import type { Db } from '../db/database.js';

/*
 * The opening entries of the ledger (`imported → wallet:<id>`, `imported → escrow:<id>`) are the
 * lasting record of what the import took from the old database: a wallet or an escrow changes
 * with use, its opening entry never does. A later run compares an old row with it, so a balance
 * that changed in the old database since is reported, not silently left behind.
 */

export const walletOpeningKey = (userId: number) => `import:wallet:${userId}`;
export const escrowOpeningKey = (demandId: number) => `import:escrow:${demandId}`;

/**
 * What earlier runs opened under these keys, in fen; a key without an entry opened nothing (the
 * ledger takes no zero amount, so a zero balance was imported without one).
 */
export async function openedBefore(db: Db, keys: readonly string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['idempotency_key', 'amount_fen'])
    .where('idempotency_key', 'in', keys)
    .execute();
  return new Map(rows.map((row) => [String(row.idempotency_key), Number(row.amount_fen)]));
}
