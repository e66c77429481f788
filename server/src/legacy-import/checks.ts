import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import {
  escrowAccount,
  importedAccount,
  outsideAccount,
  walletAccount,
} from '../features/money/money.repository.js';

/** At most this many disagreements are listed one by one. */
const listedProblems = 20;

/**
 * Replays the whole ledger and compares every wallet and every escrow with its entries, as the
 * money tests do after their runs: right after an import every balance must equal its entries.
 * Answers the disagreements, none when all hold.
 */
export async function ledgerProblems(db: Db): Promise<string[]> {
  const nets = await sql<{ account: string; net: number | string }>`
    select account, sum(amount) as net from (
      select to_account as account, amount_fen as amount from ledger_entries
      union all
      select from_account as account, -amount_fen as amount from ledger_entries
    ) moves group by account`.execute(db);
  const netOf = new Map(nets.rows.map((row) => [row.account, Number(row.net)]));
  const [wallets, escrows] = await Promise.all([
    db.selectFrom('wallets').select(['user_id', 'balance_fen']).execute(),
    db.selectFrom('demands').select(['id', 'escrow_fen']).where('escrow_fen', '<>', 0).execute(),
  ]);
  const problems: string[] = [];
  const compare = (account: string, balance: number) => {
    const net = netOf.get(account) ?? 0;
    netOf.delete(account);
    if (net !== balance) problems.push(`${account} holds ${balance} fen, its entries say ${net}`);
  };
  for (const wallet of wallets) compare(walletAccount(wallet.user_id), Number(wallet.balance_fen));
  for (const demand of escrows) compare(escrowAccount(demand.id), Number(demand.escrow_fen));
  // What is left are accounts without a balance row (or escrows that hold nothing): their entries
  // must come to zero. `outside` and `imported` are where money enters from; they are negative.
  for (const [account, net] of netOf) {
    if (account === importedAccount || account === outsideAccount || net === 0) continue;
    problems.push(`${account} has entries coming to ${net} fen but no balance`);
  }
  return problems.length > listedProblems
    ? [...problems.slice(0, listedProblems), `... and ${problems.length - listedProblems} more`]
    : problems;
}

/** What the escrows opened from the imported account hold in all. */
export async function importedEscrowFen(db: Db): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.sum<number | string>('amount_fen').as('total'))
    .where('from_account', '=', importedAccount)
    .where('to_account', 'like', 'escrow:%')
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/**
 * A demand whose imported money leaves its employer unable to pay its selected applicants as they
 * were promised: the old backend did not keep escrow, selection and shares consistent, and this
 * service refuses a payout from a demand never paid into escrow, or one escrow does not cover
 * (money.service.ts payApplication).
 */
export interface StuckDemand {
  readonly id: number;
  /** 0: never paid into escrow, so every payout is refused with DEMAND_NOT_PAID. */
  readonly paid: 0 | 1;
  readonly settled: 0 | 1;
  readonly priceFen: number;
  readonly escrowFen: number;
  /** What its selected, unpaid applications were allocated together (old `goods_order.price`). */
  readonly allocatedFen: number;
  /** How many of its selected applications are unpaid; 0: all are, and escrow still holds money. */
  readonly unpaid: number;
  /** How many of those were allocated nothing (their old `goods_order.price` 0). */
  readonly unallocated: number;
}

/** Counts, summed over a demand's selected applications, those unpaid and allocated nothing. */
const unallocatedOne = sql<number>`case when a.paid = 0 and a.allocated_fen = 0 then 1 else 0 end`;

/**
 * The demands whose selected applicants the employer cannot pay as allocated, or whose escrow no
 * payout will ever empty: one never paid into escrow (the service lets nobody be selected before
 * the demand is paid, so it has no such state of its own); one whose escrow holds less than its
 * selected, unpaid applications' allocations (a settled one holds nothing); a paid one whose escrow
 * holds nothing beyond the shares allocated, for selected applicants allocated nothing (those the
 * import could share something among are no longer so: unallocated-shares.ts); and one every selected
 * applicant of which is paid with escrow left and the demand unsettled (here the last payout
 * settles). The import keeps them as the old data says (it is not wrong to import them), so the
 * operator is told, not the run failed. Reads the new database, so a later run lists them again
 * as long as they hold. Lowest ids first.
 */
export async function stuckDemands(db: Db): Promise<StuckDemand[]> {
  const rows = await db
    .selectFrom('applications as a')
    .innerJoin('demands as d', 'd.id', 'a.demand_id')
    .select((eb) => {
      const ofUnpaid = <T>(value: T) => eb.case().when('a.paid', '=', 0).then(value).else(0).end();
      return [
        'd.id',
        'd.paid',
        'd.settled',
        'd.price_fen',
        'd.escrow_fen',
        eb.fn.sum<number | string>(ofUnpaid(eb.ref('a.allocated_fen'))).as('allocated'),
        eb.fn.sum<number | string>(ofUnpaid(eb.lit(1))).as('unpaid'),
        eb.fn.sum<number | string>(unallocatedOne).as('unallocated'),
      ];
    })
    .where('a.selected', '=', 1)
    .groupBy(['d.id', 'd.paid', 'd.settled', 'd.price_fen', 'd.escrow_fen'])
    .having((eb) => {
      const ofUnpaid = <T>(value: T) => eb.case().when('a.paid', '=', 0).then(value).else(0).end();
      const unpaid = eb.fn.sum(ofUnpaid(eb.lit(1)));
      const allocated = eb.fn.sum(ofUnpaid(eb.ref('a.allocated_fen')));
      return eb.or([
        eb.and([eb('d.paid', '=', 0), eb(unpaid, '>', 0)]),
        eb(allocated, '>', eb.ref('d.escrow_fen')),
        eb.and([eb(unpaid, '=', 0), eb('d.settled', '=', 0), eb('d.escrow_fen', '>', 0)]),
        eb.and([
          eb('d.paid', '=', 1),
          eb('d.settled', '=', 0),
          eb(eb.fn.sum(unallocatedOne), '>', 0),
          eb(allocated, '>=', eb.ref('d.escrow_fen')),
        ]),
      ]);
    })
    .orderBy('d.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    paid: row.paid ? 1 : 0,
    settled: row.settled ? 1 : 0,
    priceFen: Number(row.price_fen),
    escrowFen: Number(row.escrow_fen),
    allocatedFen: Number(row.allocated),
    unpaid: Number(row.unpaid),
    unallocated: Number(row.unallocated),
  }));
}
