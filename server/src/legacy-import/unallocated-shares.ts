import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { sharesOf } from '../features/applications/application.repository.js';
import { lockDemand } from '../features/demands/demand.repository.js';
import { escrowOf } from '../features/demands/demand-escrow.js';
import { allocateAmong } from '../features/money/shares.js';
import { mapAtMost } from './map-at-most.js';

/** A paid demand whose escrow the import shared among selected applicants the old data allocated nothing. */
export interface SharedEscrow {
  readonly demandId: number;
  /** What escrow held beyond the shares the old data allocated: what those allocated nothing share. */
  readonly sharedFen: number;
  readonly applicationIds: readonly number[];
}

/**
 * Gives the selected, unpaid applications of each paid, unsettled demand that the old data
 * allocated nothing (old `goods_order.price` 0) an even share of what its escrow holds beyond
 * the shares it did allocate: all of it when none was allocated, as a selection here does
 * (CONTRACT.md §5 `/user/goods/ok`). Left at 0, the deployed client pays each the 0 it shows (it
 * has no amount box), the last payout settles the demand, and what escrow holds goes back to the
 * employer: those applicants would be paid nothing. Shares the old data allocated are kept as
 * promised; a demand whose escrow holds nothing beyond them is listed among the stuck demands
 * (checks.ts). Each in a transaction of its own, checked again under the demand's lock; lowest ids
 * first in the answer.
 */
export async function shareUnallocatedEscrow(db: Db, now: number): Promise<SharedEscrow[]> {
  const candidates = await db
    .selectFrom('applications as a')
    .innerJoin('demands as d', 'd.id', 'a.demand_id')
    .select('d.id')
    .where('d.paid', '=', 1)
    .where('d.settled', '=', 0)
    .where('d.escrow_fen', '>', 0)
    .where('a.selected', '=', 1)
    .where('a.paid', '=', 0)
    .groupBy('d.id')
    .having((eb) => eb.fn.min('a.allocated_fen'), '=', 0)
    .orderBy('d.id')
    .execute();
  // Every started transaction ends before the answer; once one fails, the demands not started are left.
  const shared = await mapAtMost(parallelDemands, candidates, ({ id }) => shareOne(db, id, now));
  return shared.filter((share) => share !== null);
}

/**
 * Demands shared at once, each in its own transaction on its own connection: one at a time, each
 * waited on the commit before it, and the checks after a large import took twice as long
 * (bench/README.md, "Legacy import").
 */
const parallelDemands = 4;

async function shareOne(db: Db, id: number, now: number): Promise<SharedEscrow | null> {
  return inTransaction(db, async (tx) => {
    const demand = await lockDemand(tx, id);
    if (!demand?.paid || demand.settled) return null;
    const shares = await sharesOf(tx, id);
    const applicationIds = shares.filter((share) => share.fen === 0).map((share) => share.id);
    const allocatedFen = shares.reduce((sum, share) => sum + share.fen, 0);
    const sharedFen = (await escrowOf(tx, id)) - allocatedFen;
    if (applicationIds.length === 0 || sharedFen <= 0) return null;
    await allocateAmong(tx, applicationIds, sharedFen, now);
    return { demandId: id, sharedFen, applicationIds };
  });
}
