import type { Tx } from '../../db/database.js';
import { escrowOf } from '../demands/demand-escrow.js';
import { addToWallet, appendEntry, escrowAccount, walletAccount } from './money.repository.js';

/**
 * Moves everything the demand's escrow still holds to its owner's wallet, with its ledger entry,
 * and answers the amount. The caller holds the demand's row lock and the owner's wallet lock, and
 * then changes the demand's escrow columns (settled, or back to unpaid) in the same transaction.
 */
export async function refundEscrow(tx: Tx, demandId: number, ownerId: number, now: number): Promise<number> {
  const refundedFen = await escrowOf(tx, demandId);
  if (refundedFen > 0) {
    await addToWallet(tx, ownerId, refundedFen, now);
    await appendEntry(tx, {
      kind: 'refund',
      amount_fen: refundedFen,
      from_account: escrowAccount(demandId),
      to_account: walletAccount(ownerId),
      user_id: ownerId,
      demand_id: demandId,
      note: '',
      created_at: now,
    });
  }
  return refundedFen;
}
