import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { allocatedToUnpaid, selectedUnpaidIds } from '../features/applications/application.repository.js';
import { lockDemand } from '../features/demands/demand.repository.js';
import { escrowOf } from '../features/demands/demand-escrow.js';
import { allocateEscrow } from '../features/money/shares.js';

/** A paid demand whose escrow the import shared among selected applicants the old data allocated nothing. */
export interface SharedEscrow {
  readonly demandId: number;
  readonly escrowFen: number;
  readonly applicationIds: readonly number[];
}

/**
 * Shares the escrow of each paid, unsettled demand whose selected, unpaid applications were all
 * allocated 0 (old `goods_order.price`) among them, as a selection here does (CONTRACT.md §5
 * `/user/goods/ok`). Left at 0, the deployed client pays each the 0 it shows (it has no amount
 * box), the last payout settles the demand, and the whole escrow goes back to the employer: the
 * applicants would be paid nothing. A demand with any share allocated keeps the shares as they are.
 * Each in a transaction of its own, checked again under the demand's lock.
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
    .having((eb) => eb.fn.max('a.allocated_fen'), '=', 0)
    .orderBy('d.id')
    .execute();
  const shared: SharedEscrow[] = [];
  for (const { id } of candidates) {
    const done = await inTransaction(db, async (tx) => {
      const demand = await lockDemand(tx, id);
      const applicationIds = await selectedUnpaidIds(tx, id);
      const escrowFen = await escrowOf(tx, id);
      if (!demand?.paid || demand.settled || escrowFen <= 0 || applicationIds.length === 0) return null;
      if ((await allocatedToUnpaid(tx, id)) !== 0) return null;
      await allocateEscrow(tx, id, now);
      return { demandId: id, escrowFen, applicationIds };
    });
    if (done) shared.push(done);
  }
  return shared;
}
