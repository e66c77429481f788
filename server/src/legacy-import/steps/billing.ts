import { verifiedCompanyNames } from '../../features/account/verification.repository.js';
import {
  insertInvoiceRequestsKeepingIds,
  insertRechargesKeepingIds,
} from '../../features/money/money.repository.js';
import {
  alreadyThere,
  type ImportContext,
  type ImportStep,
  idsOf,
  insertSlices,
  planOf,
  requireUser,
  sortRows,
} from '../step.js';
import * as v from '../values.js';

/**
 * `invest_log`: recharge records with their old ids, for the recharge list and invoices. They are
 * history: the money they brought is in the wallet balances the `account` step opens, so they get
 * no ledger entries. Written a slice a statement by the money feature (its `insertRecharge` writes
 * one, with its entry).
 */
export function rechargesStep(ctx: ImportContext): ImportStep {
  return {
    name: 'invest_log',
    table: 'invest_log',
    async plan(rows) {
      const found = await ctx.db
        .selectFrom('recharges')
        .select(['id', 'user_id'])
        .where('id', 'in', idsOf(rows))
        .execute();
      const ownerOf = new Map(found.map((row) => [row.id, row.user_id]));
      const sorted = sortRows(rows, (row, id) => {
        const userId = v.int(row, 'uid');
        const owner = ownerOf.get(id);
        requireUser(ctx, userId, owner);
        if (owner !== undefined && owner !== userId) v.refuse(`id ${id} is taken by another user's recharge`);
        const recharge = {
          id,
          user_id: userId,
          amount_fen: v.fen(row, 'price'),
          note: '',
          invoiced: v.flag(row, 'isbill'),
          created_at: v.unixMs(row, 'time'),
        };
        ctx.present.recharges.add(id);
        return owner === undefined ? recharge : alreadyThere;
      });
      return planOf(sorted, sorted.accepted.length, async (tx) => {
        for (const slice of insertSlices(sorted.accepted)) await insertRechargesKeepingIds(tx, slice);
      });
    },
  };
}

/**
 * `bill_log`: invoice requests with their old ids. The old rows do not say which recharge they
 * invoice, the new ones must (one request per recharge): each is matched to an invoiced recharge
 * of the same user and amount, in time order (the old backend wrote one request per recharge,
 * priced as the recharge). A request no such recharge is left for is refused.
 */
export function invoiceRequestsStep(ctx: ImportContext): ImportStep {
  let rechargeOf = new Map<number, number>();
  return {
    name: 'bill_log',
    table: 'bill_log',
    async start() {
      const rechargePrice = ctx.source.moneyColumn('invest_log', 'price');
      const invoiced = await ctx.source.query(
        `select id, uid, ${rechargePrice.sql} as price from {invest_log} where isbill = 1 order by time, id`,
      );
      const waiting = new Map<string, number[]>();
      for (const row of invoiced) {
        const key = matchKey(row.uid, v.yuanToFen(rechargePrice.read(row.price)));
        const queue = waiting.get(key) ?? [];
        queue.push(Number(row.id));
        waiting.set(key, queue);
      }
      rechargeOf = new Map();
      const requestPrice = ctx.source.moneyColumn('bill_log', 'price');
      for (const row of await ctx.source.query(
        `select id, uid, ${requestPrice.sql} as price from {bill_log} order by apptime, id`,
      )) {
        const rechargeId = waiting.get(matchKey(row.uid, v.yuanToFen(requestPrice.read(row.price))))?.shift();
        if (rechargeId !== undefined) rechargeOf.set(Number(row.id), rechargeId);
      }
    },
    async plan(rows) {
      const matched = idsOf(rows)
        .map((id) => rechargeOf.get(id))
        .filter((id): id is number => id !== undefined);
      const [byId, byRecharge, companyNames] = await Promise.all([
        ctx.db
          .selectFrom('invoice_requests')
          .select(['id', 'user_id'])
          .where('id', 'in', idsOf(rows))
          .execute(),
        matched.length === 0
          ? []
          : ctx.db
              .selectFrom('invoice_requests')
              .select(['id', 'recharge_id'])
              .where('recharge_id', 'in', matched)
              .execute(),
        verifiedCompanyNames(ctx.db, [
          ...new Set(rows.map((row) => Number(row.uid)).filter(Number.isSafeInteger)),
        ]),
      ]);
      const ownerOf = new Map(byId.map((row) => [row.id, row.user_id]));
      const requestOfRecharge = new Map(byRecharge.map((row) => [row.recharge_id, row.id]));
      const sorted = sortRows(rows, (row, id) => {
        const userId = v.int(row, 'uid');
        const owner = ownerOf.get(id);
        requireUser(ctx, userId, owner);
        if (owner !== undefined) {
          return owner === userId
            ? alreadyThere
            : v.refuse(`id ${id} is taken by another user's invoice request`);
        }
        const amountFen = v.fen(row, 'price');
        const rechargeId = rechargeOf.get(id);
        if (rechargeId === undefined || !ctx.present.recharges.has(rechargeId)) {
          v.refuse(`no invoiced recharge of user ${userId} over ${String(row.price)} yuan is left for it`);
        }
        const other = requestOfRecharge.get(rechargeId);
        if (other !== undefined)
          v.refuse(`recharge ${rechargeId} is invoiced by request ${other} in the new database`);
        return {
          id,
          user_id: userId,
          recharge_id: rechargeId,
          amount_fen: amountFen,
          requested_at: v.unixMs(row, 'apptime'),
          issued: v.flag(row, 'isbill'),
          issued_at: v.unixMsOrNull(row, 'opentime'),
          // The old rows keep no title: the name verified as imported (the company step ran first).
          title: companyNames.get(userId) ?? null,
        };
      });
      return planOf(sorted, sorted.accepted.length, async (tx) => {
        for (const slice of insertSlices(sorted.accepted)) await insertInvoiceRequestsKeepingIds(tx, slice);
      });
    },
  };
}

/**
 * What pairs an invoice request with a recharge: the user, as the rows read uid (a varchar ` 5` is
 * user 5, as `5` is), and the amount in fen.
 */
const matchKey = (uid: unknown, amountFen: number | null) => `${v.idKey(uid)}:${amountFen}`;
