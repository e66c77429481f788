import { type Insertable, sql, type Updateable } from 'kysely';
import { countRows, type Db, hasRowLocks, type Tx } from '../../db/database.js';
import { reviewCodes } from '../../review-states.js';
import type { DemandsTable } from './demand.table.js';
import { countDemandsIn, locatePosition } from './demand-counts.js';
import { booleanQueryOf, hasFulltextIndex, titleGrams } from './title-search.js';

const demandColumns = [
  'id',
  'owner_id',
  'order_no',
  'title',
  'kind',
  'price_fen',
  'settlement',
  'address',
  'work_start',
  'work_end',
  'category',
  'description',
  'review_state',
  'review_reason',
  'paid',
  'settled',
  'created_at',
] as const;

export type DemandRow = NonNullable<Awaited<ReturnType<typeof findDemand>>>;

export function findDemand(db: Db | Tx, id: number) {
  return db.selectFrom('demands').select(demandColumns).where('id', '=', id).executeTakeFirst();
}

export function findDemands(db: Db | Tx, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('demands').select(demandColumns).where('id', 'in', ids).execute();
}

/** Reads and locks the demand row, so state changes on one demand happen one at a time. */
export function lockDemand(tx: Tx, id: number) {
  const query = tx.selectFrom('demands').select(demandColumns).where('id', '=', id);
  return (hasRowLocks(tx) ? query.forUpdate() : query).executeTakeFirst();
}

export async function insertDemand(tx: Tx, values: Insertable<DemandsTable>): Promise<number> {
  const result = await tx
    .insertInto('demands')
    .values({ ...values, title_grams: titleGrams(values.title) })
    .executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export async function setOrderNo(tx: Tx, id: number, orderNo: string) {
  await tx.updateTable('demands').set({ order_no: orderNo }).where('id', '=', id).execute();
}

/** Changes the owner's demand only while it is unpaid; answers whether a row changed. */
export async function updateUnpaidDemand(
  tx: Tx,
  ownerId: number,
  id: number,
  values: Updateable<DemandsTable>,
): Promise<boolean> {
  const grams = typeof values.title === 'string' ? { title_grams: titleGrams(values.title) } : {};
  const result = await tx
    .updateTable('demands')
    .set({ ...values, ...grams })
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .where('paid', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteDemandWithFiles(tx: Tx, id: number) {
  await tx.deleteFrom('demand_files').where('demand_id', '=', id).execute();
  await tx.deleteFrom('demands').where('id', '=', id).execute();
}

export async function insertDemandFiles(tx: Tx, demandId: number, urls: readonly string[], now: number) {
  if (urls.length === 0) return;
  await tx
    .insertInto('demand_files')
    .values(urls.map((url) => ({ demand_id: demandId, url, created_at: now })))
    .execute();
}

export async function replaceDemandFiles(tx: Tx, demandId: number, urls: readonly string[], now: number) {
  await tx.deleteFrom('demand_files').where('demand_id', '=', demandId).execute();
  await insertDemandFiles(tx, demandId, urls, now);
}

export function filesOfDemands(db: Db | Tx, demandIds: readonly number[]) {
  if (demandIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('demand_files')
    .select(['id', 'demand_id', 'url'])
    .where('demand_id', 'in', demandIds)
    .orderBy('id')
    .execute();
}

/** Deletes one attached file of a demand the owner may still edit; answers whether it existed. */
export async function deleteOwnedUnpaidFile(db: Db, ownerId: number, fileId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('demand_files')
    .where('id', '=', fileId)
    .where('demand_id', 'in', (q) =>
      q.selectFrom('demands').select('id').where('owner_id', '=', ownerId).where('paid', '=', 0),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export interface OwnerFilter {
  readonly titleContains?: string;
  readonly reviewStates?: readonly number[];
  readonly paid?: number;
  readonly settled?: number;
  readonly kind?: number;
  readonly settlement?: number;
}

/** The owner's demands, newest first. Owners have few rows, so `LIKE` on the owner's index is cheap. */
export async function listOwnerDemands(
  db: Db,
  ownerId: number,
  filter: OwnerFilter,
  limit: number,
  offset: number,
) {
  let query = db.selectFrom('demands').where('owner_id', '=', ownerId);
  if (filter.titleContains) {
    const pattern = `%${escapeLike(filter.titleContains)}%`;
    query = query.where(sql<boolean>`title like ${pattern} escape '!'`);
  }
  if (filter.reviewStates !== undefined) query = query.where('review_state', 'in', filter.reviewStates);
  if (filter.paid !== undefined) query = query.where('paid', '=', filter.paid);
  if (filter.settled !== undefined) query = query.where('settled', '=', filter.settled);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.settlement !== undefined) query = query.where('settlement', '=', filter.settlement);
  const [rows, count] = await Promise.all([
    query.select(demandColumns).orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export interface PublicFilter {
  readonly kind?: number;
  readonly titleContains?: string;
  /** The one gram of the term the FULLTEXT index looks up (GramCounts.rarest); all of them when absent. */
  readonly titleGram?: string;
}

const reviewedState = reviewCodes.approved;

/** From this offset on, a page is worth locating through the bucket counts first. */
const farOffset = 2_000;

/**
 * Reviewed demands, newest first. The page's ids come from the (review_state, [kind,] id) index
 * alone and only those rows are read whole (a deferred join). The total comes from the counts the
 * database keeps. Walking to an offset would cost one index entry per row skipped, so a far page
 * starts at the bucket of 1024 ids that holds its first row (demand_count_buckets): every page
 * costs about what the first does.
 *
 * A title term narrows the ids through the FULLTEXT index of title_grams (MySQL) before LIKE
 * confirms them; its matches are counted and walked, since no count is kept per term.
 */
export async function listPublicDemands(db: Db, filter: PublicFilter, limit: number, offset: number) {
  let matching = db.selectFrom('demands').where('review_state', '=', reviewedState);
  if (filter.kind !== undefined) matching = matching.where('kind', '=', filter.kind);
  if (filter.titleContains) {
    matching = matching.where(titleContains(db, filter.titleContains, filter.titleGram));
  }
  const page = (skip: number, below?: number) => {
    const ids = (below === undefined ? matching : matching.where('id', '<', below)).select('id');
    return db
      .selectFrom(ids.orderBy('id', 'desc').limit(limit).offset(skip).as('page'))
      .innerJoin('demands', 'demands.id', 'page.id')
      .select(demandColumns.map((c) => `demands.${c}` as const))
      .orderBy('demands.id', 'desc')
      .execute();
  };

  if (filter.titleContains) {
    const [rows, total] = await Promise.all([page(offset), countRows(matching)]);
    return { rows, total };
  }
  const counted = { reviewState: reviewedState, kind: filter.kind };
  if (offset < farOffset) {
    const [rows, total] = await Promise.all([page(offset), countDemandsIn(db, counted)]);
    return { rows, total };
  }
  const located = await locatePosition(db, counted, offset);
  if (!located) return { rows: [], total: await countDemandsIn(db, counted) };
  return { rows: await page(located.skip, located.bound), total: located.total };
}

/**
 * Titles containing `term` (`%` and `_` literal). On MySQL the FULLTEXT index of the title's
 * character pairs finds the candidates without a scan (through `gram` alone when given); the
 * embedded SQLite default scans with LIKE.
 */
function titleContains(db: Db, term: string, gram?: string) {
  const contains = sql<boolean>`title like ${`%${escapeLike(term)}%`} escape '!'`;
  if (!hasFulltextIndex(db)) return contains;
  const lookup = gram === undefined ? booleanQueryOf(term) : `+${gram}`;
  return sql<boolean>`match(title_grams) against (${lookup} in boolean mode) and ${contains}`;
}

export async function listDemandsAwaitingReview(db: Db, limit: number, offset: number) {
  const query = db.selectFrom('demands').where('review_state', '=', reviewCodes.pending);
  const [rows, count] = await Promise.all([
    query.select(demandColumns).orderBy('id').limit(limit).offset(offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function setReview(
  db: Db | Tx,
  id: number,
  state: number,
  reason: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('demands')
    .set({ review_state: state, review_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('review_state', '=', reviewCodes.pending)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** `%` and `_` in a search term are literal text, not wildcards. `!` escapes, the same on both databases. */
function escapeLike(term: string): string {
  return term.replace(/[!%_]/g, (c) => `!${c}`);
}
