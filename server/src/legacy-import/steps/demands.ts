import type { Insertable } from 'kysely';
import { insertDemandsKeepingIds } from '../../features/demands/demand.repository.js';
import { orderNumberOf } from '../../features/demands/demand.service.js';
import type { DemandsTable } from '../../features/demands/demand.table.js';
import { appendEntries, escrowAccount, importedAccount } from '../../features/money/money.repository.js';
import type { LedgerEntriesTable } from '../../features/money/money.table.js';
import { hundredthsText } from '../../fields.js';
import { escrowOpeningKey, openedBefore } from '../openings.js';
import type { OldRow } from '../source.js';
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

/** Longest order number the new column holds. */
const maxOrderNoLength = 24;

/**
 * `goods`: demands with their old ids and order numbers (`goodsid`); an empty, shared or too long
 * one gets a new number of the service's own form (noted). Labels map onto the same codes
 * (titletype, pricetype, show → review state). A paid, unsettled demand keeps in escrow its
 * price minus what its applications were paid (`goods_order.price` where `pay` = 1), opened by a
 * ledger entry from the imported account in the batch's transaction; a later run refuses a demand
 * imported before whose old rows now give another escrow than the one opened then (openings.ts),
 * so the difference is reported, not silently left out. The demand feature
 * writes them a slice a statement (`insertDemandsKeepingIds`, with their title search tokens;
 * its `insertDemand` writes one row at a time); the triggers keep the list counts as for any.
 */
export function demandsStep(ctx: ImportContext, onRefusedEscrow: (fen: number) => void): ImportStep {
  /** Paid applications per demand, read once: a demand's escrow needs them. */
  let paidOf = new Map<number, Array<{ id: number; price: unknown }>>();
  let firstIdOfOrderNo = new Map<string, number>();
  const publisher = new CommittedDemands(ctx);
  return {
    name: 'goods',
    table: 'goods',
    // Every inserted demand updates the list counts' rows (triggers), which a second writer would
    // only wait for (or deadlock on).
    parallelWrites: 1,
    async start() {
      paidOf = new Map();
      const price = ctx.source.moneyColumn('goods_order', 'price');
      for (const row of await ctx.source.query(
        `select id, goods_id, ${price.sql} as price from {goods_order} where pay = 1`,
      )) {
        const demandId = Number(row.goods_id);
        const payouts = paidOf.get(demandId) ?? [];
        payouts.push({ id: Number(row.id), price: price.read(row.price) });
        paidOf.set(demandId, payouts);
      }
      // Shared as this step reads goodsid (trimmed, and whatever its case: the new unique index is
      // case-insensitive on MySQL), not as MySQL's trim() and the old collation would group it.
      firstIdOfOrderNo = await ctx.source.firstIdsOfShared('goods', 'goodsid', orderNoKey);
    },
    async plan(rows, tally) {
      const orderNos = [...new Set(rows.map((row) => String(row.goodsid ?? '').trim()).filter(Boolean))];
      const [byId, byOrderNo] = await Promise.all([
        ctx.db.selectFrom('demands').select(['id', 'owner_id']).where('id', 'in', idsOf(rows)).execute(),
        orderNos.length === 0
          ? []
          : ctx.db
              .selectFrom('demands')
              .select(['id', 'order_no'])
              .where('order_no', 'in', orderNos)
              .execute(),
      ]);
      const ownerOf = new Map(byId.map((row) => [row.id, row.owner_id]));
      const opened = await openedBefore(
        ctx.db,
        byId.map((row) => escrowOpeningKey(row.id)),
      );
      const idOfOrderNo = new Map(byOrderNo.map((row) => [orderNoKey(row.order_no), row.id]));
      const batch = publisher.decided(Math.max(...idsOf(rows)));

      /** What the old row holds in escrow, by its price, flags and paid applications. */
      const escrowOfRow = (row: OldRow, id: number) =>
        escrowOf(id, v.fen(row, 'price'), v.flag(row, 'pay'), v.flag(row, 'suan'), paidOf.get(id) ?? []);
      const openings: Insertable<LedgerEntriesTable>[] = [];
      const decide = (row: OldRow, id: number): Insertable<DemandsTable> | typeof alreadyThere => {
        const ownerId = v.int(row, 'user_id');
        const there = ownerOf.get(id);
        requireUser(ctx, ownerId, there);
        if (there !== undefined) {
          if (there !== ownerId) v.refuse(`id ${id} is taken by another user's demand in the new database`);
          // In the database whatever its old row says now: its applications still belong to it.
          ctx.present.demands.set(id, ownerId);
          const escrowNow = escrowOfRow(row, id);
          const before = opened.get(escrowOpeningKey(id)) ?? 0;
          if (escrowNow !== before) {
            v.refuse(
              `its escrow changed after an earlier run imported ${hundredthsText(before)}: the old rows say ${hundredthsText(escrowNow)} now, and the difference is not taken`,
            );
          }
          return alreadyThere;
        }
        const title = v.text(row, 'title', 100);
        const priceFen = v.fen(row, 'price');
        const paid = v.flag(row, 'pay');
        const settled = v.flag(row, 'suan');
        const escrowFen = escrowOfRow(row, id);
        const demand = {
          id,
          owner_id: ownerId,
          order_no: '',
          title,
          kind: v.code(row, 'titletype', [1, 2, 3] as const),
          price_fen: priceFen,
          settlement: v.code(row, 'pricetype', [1, 2, 3] as const),
          address: v.text(row, 'address', 255),
          work_start: v.unixMs(row, 'timeb'),
          work_end: v.unixMs(row, 'timee'),
          category: v.text(row, 'sort', 100),
          description: v.longText(row, 'des'),
          review_state: v.flag(row, 'show'),
          review_reason: '',
          paid,
          settled,
          escrow_fen: escrowFen,
          created_at: ctx.now,
          updated_at: ctx.now,
        };
        const old = String(row.goodsid ?? '').trim();
        const key = orderNoKey(old) ?? '';
        const usable =
          old !== '' &&
          [...old].length <= maxOrderNoLength &&
          (firstIdOfOrderNo.get(key) ?? id) === id &&
          (idOfOrderNo.get(key) ?? id) === id;
        demand.order_no = usable ? old : orderNumberOf(id, ctx.now, ctx.timeZone);
        if (!usable)
          tally.note('goodsid empty, shared with another demand or too long: a new order number given', id);
        if (escrowFen > 0) {
          openings.push({
            kind: 'opening',
            amount_fen: escrowFen,
            from_account: importedAccount,
            to_account: escrowAccount(id),
            user_id: ownerId,
            demand_id: id,
            idempotency_key: escrowOpeningKey(id),
            note: '旧系统托管余额',
            created_at: ctx.now,
          });
        }
        batch.demands.push([id, ownerId]);
        return demand;
      };
      const sorted = sortRows(rows, (row, id) => {
        // A demand in the new database already keeps the escrow it was opened with.
        if (ownerOf.has(id)) return decide(row, id);
        return withEscrowLeftNamed(
          () => decide(row, id),
          () => escrowOfRow(row, id),
          onRefusedEscrow,
        );
      });
      return planOf(
        sorted,
        sorted.accepted.length,
        async (tx) => {
          for (const slice of insertSlices(sorted.accepted)) await insertDemandsKeepingIds(tx, slice);
          for (const slice of insertSlices(openings)) await appendEntries(tx, slice);
        },
        () => publisher.committed(batch),
      );
    },
  };
}

/** One batch of demands as decided: its last id, and the new demands it writes (id, owner). */
interface DecidedBatch {
  readonly throughId: number;
  readonly demands: Array<[id: number, ownerId: number]>;
  committed: boolean;
}

/**
 * Tells the files' and applications' steps of the new demands (ctx.present.demands) and how far
 * the demands are decided (ctx.demandsDecided) only once their batch is committed, and batch by
 * batch in id order. Told while a batch is decided, as before, they would write the files and
 * applications of a batch whose own write then fails, and a run stopping there would leave them
 * in the new database without their demand, every run again while the batch keeps failing. So a
 * child of an uncommitted demand is never decided: the run stops before it, or refuses it when
 * its demand was refused (`demand N was not imported (refused, see goods)`).
 */
class CommittedDemands {
  private readonly waiting: DecidedBatch[] = [];

  constructor(private readonly ctx: ImportContext) {}

  /** A batch is being decided; its new demands are added to what it answers. */
  decided(throughId: number): DecidedBatch {
    const batch: DecidedBatch = { throughId, demands: [], committed: false };
    this.waiting.push(batch);
    return batch;
  }

  /** The batch is in the database: it, and every committed batch behind it, is told. */
  committed(batch: DecidedBatch): void {
    batch.committed = true;
    // Batches may commit out of order (a step writing two at once): an earlier one not yet
    // committed holds the later ones back, as the frontier covers every id below it.
    for (let first = this.waiting[0]; first?.committed; first = this.waiting[0]) {
      this.waiting.shift();
      for (const [id, ownerId] of first.demands) this.ctx.present.demands.set(id, ownerId);
      this.ctx.demandsDecided.advance(first.throughId);
    }
  }
}

/**
 * A new demand's decision, whose refusal names the escrow it leaves behind: old money of its
 * employer that the import does not take, which the reason alone (a title too long, an owner not
 * imported) would not tell. `held` is counted into `onLeft`, when the old rows tell it.
 */
function withEscrowLeftNamed<T>(decide: () => T, held: () => number, onLeft: (fen: number) => void): T {
  try {
    return decide();
  } catch (error) {
    if (!(error instanceof v.RowRefused)) throw error;
    const left = readableOr(held, 0);
    if (left === 0) throw error;
    onLeft(left);
    throw new v.RowRefused(
      `${error.message}; it holds ${hundredthsText(left)} yuan in escrow, which is not imported`,
    );
  }
}

/** `read()`, or `fallback` when it refuses (an escrow the old rows do not tell). */
function readableOr(read: () => number, fallback: number): number {
  try {
    return read();
  } catch (error) {
    if (error instanceof v.RowRefused) return fallback;
    throw error;
  }
}

/** What makes two order numbers one: trimmed, in lower case; null for none. */
function orderNoKey(value: unknown): string | null {
  const trimmed = value === null || value === undefined ? '' : String(value).trim();
  return trimmed === '' ? null : trimmed.toLowerCase();
}

/**
 * What a demand holds in escrow: its price minus what was paid out while it is paid and not
 * settled, nothing otherwise. The old data must add up: no payouts from an unpaid demand, no more
 * paid out than the price, nothing settled that was never paid.
 */
function escrowOf(
  id: number,
  priceFen: number,
  paid: 0 | 1,
  settled: 0 | 1,
  payouts: ReadonlyArray<{ id: number; price: unknown }>,
): number {
  if (settled && !paid) v.refuse('settled (suan = 1) but never paid (pay = 0)');
  let paidOutFen = 0;
  const unreadable: string[] = [];
  for (const payout of payouts) {
    const fen = v.yuanToFen(payout.price);
    if (fen === null) unreadable.push(`${payout.id} (${String(payout.price)})`);
    paidOutFen += fen ?? 0;
  }
  if (unreadable.length > 0) {
    // Old money is at stake when the demand is paid and unsettled: say what the rows do tell.
    const stake =
      paid && !settled
        ? `; its escrow, ${hundredthsText(priceFen)} yuan less ${hundredthsText(paidOutFen)} paid out to the others less what ${unreadable.length === 1 ? 'that one was' : 'those were'} paid, cannot be told, and is not imported`
        : '';
    v.refuse(`paid application ${unreadable.join(', ')} has no readable price${stake}`);
  }
  if (!paid && payouts.length > 0) {
    v.refuse(
      `applications ${payouts.map((p) => p.id).join(',')} were paid out of demand ${id}, which was never paid`,
    );
  }
  if (!paid || settled) return 0;
  const escrowFen = priceFen - paidOutFen;
  return escrowFen >= 0
    ? escrowFen
    : v.refuse(`its applications were paid ${paidOutFen} fen, more than its price`);
}
