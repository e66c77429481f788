import { type Insertable, MysqlAdapter, sql, type Updateable } from 'kysely';
import { compiledOnce } from '../../db/compiled-once.js';
import { type Db, hasRowLocks, type Tx } from '../../db/database.js';
import { nextVersion } from '../../db/versions.js';
import { maxId } from '../../fields.js';
import { reviewCodes } from '../../review-states.js';
import type { DemandFilesTable, DemandsTable } from './demand.table.js';
import { countDemandsIn, locatePosition } from './demand-counts.js';
import { hasFulltextIndex, titleGrams } from './title-search.js';

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
  'updated_at',
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
  values: Omit<Updateable<DemandsTable>, 'updated_at'>,
  now: number,
): Promise<boolean> {
  const grams = typeof values.title === 'string' ? { title_grams: titleGrams(values.title) } : {};
  const result = await tx
    .updateTable('demands')
    .set({ ...values, ...grams, updated_at: nextVersion('updated_at', now) })
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
  return filesOf(db, { demandIds });
}

const filesOf = compiledOnce((db, { demandIds }: { demandIds: readonly number[] }) =>
  db
    .selectFrom('demand_files')
    .select(['id', 'demand_id', 'url'])
    .where('demand_id', 'in', demandIds)
    .orderBy('id'),
);

/**
 * Deletes a file of the demand and marks the demand changed (`updated_at`), so a review of it as
 * it was, with the file, is refused (DEMAND_CHANGED). The caller holds the demand's lock.
 */
export async function deleteDemandFile(tx: Tx, demandId: number, fileId: number, now: number) {
  await tx.deleteFrom('demand_files').where('id', '=', fileId).where('demand_id', '=', demandId).execute();
  await tx
    .updateTable('demands')
    .set({ updated_at: nextVersion('updated_at', now) })
    .where('id', '=', demandId)
    .execute();
}

/** The demand a file is attached to (its id, owner and whether it is paid), or undefined. */
export function findDemandOfFile(db: Db | Tx, fileId: number) {
  return db
    .selectFrom('demand_files')
    .innerJoin('demands', 'demands.id', 'demand_files.demand_id')
    .select(['demands.id', 'demands.owner_id', 'demands.paid'])
    .where('demand_files.id', '=', fileId)
    .executeTakeFirst();
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
  const owned: OwnedValues = {
    ownerId,
    titlePattern: filter.titleContains ? likePattern(filter.titleContains) : undefined,
    reviewStates: filter.reviewStates,
    paid: filter.paid,
    settled: filter.settled,
    kind: filter.kind,
    settlement: filter.settlement,
  };
  const [rows, count] = await Promise.all([
    ownerPage(db, { ...owned, limit, offset }),
    ownerCount(db, owned),
  ]);
  return { rows, total: Number(count[0]?.n ?? 0) };
}

/** What selects the owner's demands: the filter, its title term made a `LIKE` pattern. */
type OwnedValues = Omit<OwnerFilter, 'titleContains'> & {
  readonly ownerId: number;
  readonly titlePattern: string | undefined;
};

function ownedDemands(db: Db, owned: OwnedValues) {
  let query = db.selectFrom('demands').where('owner_id', '=', owned.ownerId);
  if (owned.titlePattern !== undefined) query = query.where(titleLike(db, owned.titlePattern));
  if (owned.reviewStates !== undefined) query = query.where('review_state', 'in', owned.reviewStates);
  if (owned.paid !== undefined) query = query.where('paid', '=', owned.paid);
  if (owned.settled !== undefined) query = query.where('settled', '=', owned.settled);
  if (owned.kind !== undefined) query = query.where('kind', '=', owned.kind);
  if (owned.settlement !== undefined) query = query.where('settlement', '=', owned.settlement);
  return query;
}

const ownerPage = compiledOnce((db, values: OwnedValues & { limit: number; offset: number }) =>
  ownedDemands(db, values)
    .select(demandColumns)
    .orderBy('id', 'desc')
    .limit(values.limit)
    .offset(values.offset),
);

const ownerCount = compiledOnce((db, owned: OwnedValues) =>
  ownedDemands(db, owned).select((eb) => eb.fn.countAll<number>().as('n')),
);

export interface PublicFilter {
  readonly kind?: number;
}

const reviewedState = reviewCodes.approved;

/** From this offset on, a page is worth locating through the bucket counts first. */
const farOffset = 2_000;

/**
 * Reviewed demands, newest first. The page's ids come from the (review_state, [kind,] id) index
 * alone and only those rows are read whole (a deferred join). The total comes from the counts the
 * database keeps. Walking to an offset would cost one index entry per row skipped, so a far page
 * starts at the bucket of 1024 ids that holds its first row (demand_count_buckets, found through
 * demand_count_blocks): every page costs about what the first does.
 */
export async function listPublicDemands(db: Db, filter: PublicFilter, limit: number, offset: number) {
  const page = (skip: number, below?: number) => publicPage(db, { kind: filter.kind, below, limit, skip });
  const counted = { reviewState: reviewedState, kind: filter.kind };
  if (offset < farOffset) {
    const [rows, total] = await Promise.all([page(offset), countDemandsIn(db, counted)]);
    return { rows, total };
  }
  const located = await locatePosition(db, counted, offset);
  if (!located) return { rows: [], total: await countDemandsIn(db, counted) };
  return { rows: await page(located.skip, located.bound), total: located.total };
}

const publicPage = compiledOnce(
  (db, values: { kind: number | undefined; below: number | undefined; limit: number; skip: number }) => {
    let ids = reviewed(db, values).select('id');
    if (values.below !== undefined) ids = ids.where('id', '<', values.below);
    return db
      .selectFrom(ids.orderBy('id', 'desc').limit(values.limit).offset(values.skip).as('page'))
      .innerJoin('demands', 'demands.id', 'page.id')
      .select(demandColumns.map((c) => `demands.${c}` as const))
      .orderBy('demands.id', 'desc');
  },
);

function reviewed(db: Db, filter: PublicFilter) {
  const query = db.selectFrom('demands').where('review_state', '=', reviewedState);
  return filter.kind === undefined ? query : query.where('kind', '=', filter.kind);
}

/** A title search on the public list: reviewed demands (of the kind) whose title contains `term`. */
export interface TermFilter extends PublicFilter {
  /** Literal text: `%` and `_` match themselves. */
  readonly term: string;
}

/**
 * The title contains `term` literally, alike on both databases: letters in either case (as the
 * title grams, which fold case with toLowerCase), every other character only as itself. MySQL's
 * utf8mb4_unicode_ci also took `cafe` for `café`, `full` for `ｆｕｌｌ` and `c` for `ç`, and SQLite's
 * LIKE folds ASCII letters only: the same search found other titles on each database.
 */
function titleHolds(db: Db, term: string) {
  return titleLike(db, likePattern(term));
}

/** Matches titles holding what `pattern` holds (likePattern). */
function titleLike(db: Db, pattern: string) {
  return db.getExecutor().adapter instanceof MysqlAdapter
    ? sql<boolean>`lower(title) like lower(${pattern}) collate utf8mb4_bin escape '!'`
    : sql<boolean>`fold_case(title) like fold_case(${pattern}) escape '!'`;
}

function matching(db: Db, filter: TermFilter) {
  return reviewed(db, filter).where(titleHolds(db, filter.term));
}

/**
 * The same matches, for a walk in id order through the table itself. Every row walked is read for
 * its title anyway, so the secondary indexes save nothing, and with them MariaDB 10.11 picked
 * plans that read every reviewed row for a kind's count. `+ 0` keeps those indexes out: the walk is
 * a range of the primary key, newest first.
 */
function walking(db: Db, filter: TermFilter) {
  const query = db
    .selectFrom('demands')
    .where(sql<number>`review_state + 0`, '=', reviewedState)
    .where(titleHolds(db, filter.term));
  return filter.kind === undefined ? query : query.where(sql<number>`kind + 0`, '=', filter.kind);
}

/** The ids a walk reads: those above `above` and at most `atMost`; unbounded on a side left out. */
export interface IdRange {
  readonly above?: number | undefined;
  readonly atMost?: number | undefined;
}

/**
 * The matches at `offset`, newest first, found by walking the reviewed demands from the newest and
 * reading each row to test its title: cheap while matches are dense (a term in one title of 8 fills
 * page 1 after ~160 rows), whatever the term's total. `ids.above` bounds the walk, so a term rarer
 * than it looked cannot make it read the whole list: a page that comes back short may then just
 * have met the bound.
 */
export function walkMatches(db: Db, filter: TermFilter, limit: number, offset: number, ids: IdRange = {}) {
  return newest(walking(db, filter), ids).select(demandColumns).limit(limit).offset(offset).execute();
}

/**
 * The ids of the newest `max` matches, newest first. On MySQL the FULLTEXT index of title_grams
 * finds the titles holding `gram` (one gram of the term: every match holds each) and LIKE keeps
 * those that contain the term; the cost is one row read per title holding the gram. The embedded
 * SQLite default scans with LIKE.
 */
export async function collectMatches(db: Db, filter: TermFilter, gram: string | undefined, max: number) {
  const rows = await withGram(db, matching(db, filter), gram)
    .select('id')
    .orderBy('id', 'desc')
    .limit(max)
    .execute();
  return rows.map((r) => r.id);
}

/** Where `countMatches` finds the matches: through the FULLTEXT index of one gram, or by walking ids. */
export type CountBy = { readonly gram: string } | { readonly walk: IdRange };

/** How many demands match, counting at most `max` of them (the count stops there). */
export async function countMatches(db: Db, filter: TermFilter, by: CountBy, max: number) {
  // Walking counts from the newest (a dense term reaches `max` soon); the index, in its own order.
  const found =
    'gram' in by ? withGram(db, matching(db, filter), by.gram) : newest(walking(db, filter), by.walk);
  const capped = found.select(sql<number>`1`.as('one')).limit(max);
  const row = await db
    .selectFrom(capped.as('capped'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// The bound is a literal: given as `(select max(id) ...) - n`, MariaDB 10.11 chose the index of all
// kinds for a kind's count and read every reviewed row.
function newest(query: ReturnType<typeof walking>, ids: IdRange) {
  let ranged = query;
  if (ids.above !== undefined) ranged = ranged.where('id', '>', ids.above);
  if (ids.atMost !== undefined) ranged = ranged.where('id', '<=', ids.atMost);
  return ranged.orderBy('id', 'desc');
}

/** The newest demand's id, 0 when there is none. */
export async function newestDemandId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('demands')
    .select((eb) => eb.fn.max<number | null>('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

function withGram<Q extends ReturnType<typeof matching>>(db: Db, query: Q, gram: string | undefined): Q {
  if (gram === undefined || !hasFulltextIndex(db)) return query;
  return query.where(sql<boolean>`match(title_grams) against (${`+${gram}`} in boolean mode)`) as Q;
}

/** The demands of `ids`, newest first. */
export function demandsNewestFirst(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('demands')
    .select(demandColumns)
    .where('id', 'in', ids)
    .orderBy('id', 'desc')
    .execute();
}

export async function listDemandsAwaitingReview(db: Db, limit: number, offset: number) {
  const query = db.selectFrom('demands').where('review_state', '=', reviewCodes.pending);
  const [rows, count] = await Promise.all([
    query.select(demandColumns).orderBy('id').limit(limit).offset(offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Any demand, whatever its review (admins): by id or order number. */
export function findDemandsByNumber(db: Db, number: string) {
  const id = Number(number);
  return db
    .selectFrom('demands')
    .select(demandColumns)
    .where((eb) =>
      eb.or([...(id > 0 && id <= maxId ? [eb('id', '=', id)] : []), eb('order_no', '=', number)]),
    )
    .orderBy('id', 'desc')
    .execute();
}

/**
 * Any demand whose title contains `text`, whatever its review (admins): the ids within the id
 * range, newest first, at most `limit`. Every row of the range is read, so callers keep ranges
 * small enough for one statement.
 */
export async function demandIdsByTitle(db: Db, text: string, ids: IdRange, limit: number) {
  let query = db.selectFrom('demands').select('id').where(titleHolds(db, text));
  if (ids.above !== undefined) query = query.where('id', '>', ids.above);
  if (ids.atMost !== undefined) query = query.where('id', '<=', ids.atMost);
  return (await query.orderBy('id', 'desc').limit(limit).execute()).map((row) => row.id);
}

/** Every demand, newest first, whatever its review (admins), with how many there are. */
export async function allDemandsNewestFirst(db: Db, limit: number, offset: number) {
  const [rows, counts] = await Promise.all([
    db
      .selectFrom('demands')
      .select(demandColumns)
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    db
      .selectFrom('demand_counts')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), eb.lit(0)).as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(counts.n) };
}

export async function setReview(
  db: Db | Tx,
  id: number,
  state: number,
  reason: string,
  now: number,
  /** The `updated_at` the reviewer read: a demand changed since is left as it is. */
  seenUpdatedAt?: number,
): Promise<boolean> {
  let update = db
    .updateTable('demands')
    .set({ review_state: state, review_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('review_state', '=', reviewCodes.pending);
  if (seenUpdatedAt !== undefined) update = update.where('updated_at', '=', seenUpdatedAt);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Any text holding `term`: its `%` and `_` are literal text, not wildcards. `!` escapes, the same on both databases. */
function likePattern(term: string): string {
  return `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * Demands of the old backend, keeping their ids, order numbers, states and escrow (`npm run admin
 * -- import-legacy`), with their title search tokens: a whole slice in one statement, since
 * row-at-a-time inserts would make an import take hours. The count triggers count them as any.
 */
export async function insertDemandsKeepingIds(
  tx: Tx,
  demands: ReadonlyArray<Omit<Insertable<DemandsTable>, 'title_grams'>>,
): Promise<void> {
  if (demands.length === 0) return;
  await tx
    .insertInto('demands')
    .values(demands.map((demand) => ({ ...demand, title_grams: titleGrams(demand.title) })))
    .execute();
}

export async function insertDemandFilesKeepingIds(
  tx: Tx,
  files: ReadonlyArray<Insertable<DemandFilesTable>>,
): Promise<void> {
  if (files.length > 0) await tx.insertInto('demand_files').values(files).execute();
}
