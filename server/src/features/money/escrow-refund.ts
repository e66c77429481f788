import type { Tx } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { countPaid, countSelected, countSelectedUnpaid } from '../applications/application.repository.js';
import { findDemand } from '../demands/demand.repository.js';
import { escrowOf, markSettled, markUnpaid } from '../demands/demand-escrow.js';
import { addToWallet, appendEntry, escrowAccount, lockWallets, walletAccount } from './money.repository.js';

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

/**
 * Gives a paid, unsettled demand's escrow back to its owner and makes the demand unpaid again, so
 * that it can be edited, deleted or paid anew. Refused once an applicant is selected: the escrow is
 * promised to them. Refused too once an applicant is paid, which here only a selected one can be,
 * but an imported one can be unselected: its payout came out of this escrow, and the demand made
 * unpaid could be deleted with its application, or its whole price paid in again. The caller holds
 * the demand's row lock.
 */
export async function returnUnpromisedEscrow(
  tx: Tx,
  demand: { readonly id: number; readonly owner_id: number },
  now: number,
): Promise<number> {
  if ((await countSelected(tx, demand.id)) > 0) throw new AppError('DEMAND_HAS_SELECTION');
  if ((await countPaid(tx, demand.id)) > 0) throw new AppError('DEMAND_HAS_PAYOUTS');
  await lockWallets(tx, [demand.owner_id], now);
  const refundedFen = await refundEscrow(tx, demand.id, demand.owner_id, now);
  await markUnpaid(tx, demand.id, now);
  return refundedFen;
}

/**
 * Settles a paid demand that has paid applicants and none selected left to pay, giving what escrow
 * has left back to its owner, as the last payout does; answers undefined, changing nothing, for any
 * other demand. Here the last payout always settles, but imported old demands can be left in this
 * state, their paid applicants selected or (old data) not.
 */
export async function settleWhenAllPaid(
  tx: Tx,
  demand: { readonly id: number; readonly owner_id: number },
  now: number,
): Promise<number | undefined> {
  if ((await countPaid(tx, demand.id)) === 0 || (await countSelectedUnpaid(tx, demand.id)) > 0) return;
  await lockWallets(tx, [demand.owner_id], now);
  const refundedFen = await refundEscrow(tx, demand.id, demand.owner_id, now);
  await markSettled(tx, demand.id, now);
  return refundedFen;
}

/**
 * A demand may be paid while it awaits review. Rejected, it could then never be edited (only unpaid
 * demands can), deleted (paid ones cannot) nor approved, and its price would stay in escrow for
 * good: the rejection gives it back to the owner's wallet and makes the demand unpaid, so the owner
 * can edit it for review again and pay it then. One whose applicants are already selected has
 * promised them its escrow, and one that paid an applicant has spent part of it: neither can be
 * rejected (only imported demands can be so, since selecting needs an approved demand). Run in the rejection's transaction, which holds
 * the demand's row lock (the review's update).
 */
export async function returnEscrowOfRejected(tx: Tx, demandId: number, now: number): Promise<void> {
  const row = await findDemand(tx, demandId);
  if (row?.paid && !row.settled) await returnUnpromisedEscrow(tx, row, now);
}
