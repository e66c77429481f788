import type { Tx } from '../../db/database.js';
import {
  allocatedToUnpaid,
  selectedUnpaidIds,
  setAllocation,
} from '../applications/application.repository.js';
import { escrowOf } from '../demands/demand-escrow.js';

/**
 * Splits an amount evenly in fen among `count` recipients listed oldest first; the remainder fen
 * go one each to the first ones (100.01 yuan over two: 50.01 and 50.00), so the shares always add
 * up to the amount.
 */
export function splitEvenly(totalFen: number, count: number): number[] {
  if (count <= 0) return [];
  const base = Math.floor(totalFen / count);
  const remainder = totalFen - base * count;
  return Array.from({ length: count }, (_, i) => (i < remainder ? base + 1 : base));
}

/**
 * Allocates what the demand's escrow holds among its selected, unpaid applications (the old
 * `goods_order.price`, 雇主分配金额). Before any payout the escrow is the whole price, so the shares
 * add up to the price; after one, what is left is shared among those still to be paid, so paid
 * amounts and shares still add up to it. The caller holds the demand's row lock.
 */
export async function allocateEscrow(tx: Tx, demandId: number, now: number): Promise<void> {
  await allocateAmong(tx, await selectedUnpaidIds(tx, demandId), await escrowOf(tx, demandId), now);
}

/** Allocates `totalFen` among the applications, listed oldest first, split evenly (splitEvenly). */
export async function allocateAmong(
  tx: Tx,
  applicationIds: readonly number[],
  totalFen: number,
  now: number,
): Promise<void> {
  const shares = splitEvenly(totalFen, applicationIds.length);
  // At most two distinct shares: one update for each.
  const larger = applicationIds.filter((_, i) => shares[i] !== shares.at(-1));
  const smaller = applicationIds.slice(larger.length);
  await setAllocation(tx, larger, shares[0] ?? 0, now);
  await setAllocation(tx, smaller, shares.at(-1) ?? 0, now);
}

/**
 * After a payout, keeps every share still to be paid payable: an amount given explicitly may have
 * taken more than its own share, and the shares left would then add up to more than escrow holds.
 * The client has no amount box (it pays the row's `price`, the share), so such a share could never
 * be paid and the demand never settle. What is left is then shared anew among those still to be
 * paid; shares that escrow still covers are kept as promised. The caller holds the demand's row lock.
 */
export async function keepSharesPayable(tx: Tx, demandId: number, now: number): Promise<void> {
  if ((await allocatedToUnpaid(tx, demandId)) > (await escrowOf(tx, demandId))) {
    await allocateEscrow(tx, demandId, now);
  }
}
