import type { Insertable } from 'kysely';
import { compiledOnce } from '../../db/compiled-once.js';
import { countRows, type Db, hasRowLocks, type Tx } from '../../db/database.js';
import type { ApplicationsTable } from './application.table.js';

/**
 * An application as read: the whole row (`selectAll`, which Kysely builds for far less than a list
 * of column names; the only column a list would leave out, updated_at, is harmless) and the
 * applicant's phone.
 */
export type ApplicationRow = NonNullable<Awaited<ReturnType<typeof findApplication>>>;

/** One application with its applicant's phone (for the two people allowed to see it). */
export function findApplication(db: Db | Tx, id: number) {
  return db
    .selectFrom('applications')
    .innerJoin('users', 'users.id', 'applications.applicant_id')
    .selectAll('applications')
    .select('users.phone as applicant_phone')
    .where('applications.id', '=', id)
    .executeTakeFirst();
}

/** Every application of the given demands in one query, for embedding in a page of demands. */
export function applicationsOfDemands(db: Db, demandIds: readonly number[]) {
  if (demandIds.length === 0) return Promise.resolve([]);
  return applicationsOf(db, { demandIds });
}

const applicationsOf = compiledOnce((db, { demandIds }: { demandIds: readonly number[] }) =>
  db
    .selectFrom('applications')
    .innerJoin('users', 'users.id', 'applications.applicant_id')
    .selectAll('applications')
    .select('users.phone as applicant_phone')
    .where('applications.demand_id', 'in', demandIds)
    .orderBy('applications.id'),
);

/** A page of the applicant's applications and how many there are; called in the caller's snapshot. */
export async function listApplicationsOf(db: Db, applicantId: number, limit: number, offset: number) {
  const query = db.selectFrom('applications').where('applicant_id', '=', applicantId);
  const rows = await query
    .innerJoin('users', 'users.id', 'applications.applicant_id')
    .selectAll('applications')
    .select('users.phone as applicant_phone')
    .orderBy('applications.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return { rows, total: await countRows(query) };
}

export function hasApplied(db: Db, demandId: number, applicantId: number) {
  return db
    .selectFrom('applications')
    .select('id')
    .where('demand_id', '=', demandId)
    .where('applicant_id', '=', applicantId)
    .executeTakeFirst();
}

export async function insertApplication(db: Db, values: Insertable<ApplicationsTable>): Promise<number> {
  const result = await db.insertInto('applications').values(values).executeTakeFirstOrThrow();
  return Number(result.insertId);
}

/** The selected application ids of each of the given demands, ascending. */
export async function selectedOfDemands(
  db: Db | Tx,
  demandIds: readonly number[],
): Promise<Map<number, number[]>> {
  const byDemand = new Map<number, number[]>();
  if (demandIds.length === 0) return byDemand;
  for (const row of await selectedOf(db, { demandIds })) {
    const ids = byDemand.get(row.demand_id);
    if (ids) ids.push(row.id);
    else byDemand.set(row.demand_id, [row.id]);
  }
  return byDemand;
}

const selectedOf = compiledOnce((db, { demandIds }: { demandIds: readonly number[] }) =>
  db
    .selectFrom('applications')
    .select(['id', 'demand_id'])
    .where('demand_id', 'in', demandIds)
    .where('selected', '=', 1)
    .orderBy('id'),
);

/** Selects applications of one demand that are not selected yet; answers how many changed. */
export async function markSelected(
  tx: Tx,
  demandId: number,
  ids: readonly number[],
  now: number,
): Promise<number> {
  const result = await tx
    .updateTable('applications')
    .set({ selected: 1, updated_at: now })
    .where('demand_id', '=', demandId)
    .where('id', 'in', ids)
    .where('selected', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Unselects a selected application that is neither delivered nor paid and takes its share back (an
 * operator's release); answers whether it was in that state. The caller holds the demand's row lock
 * and allocates the escrow anew.
 */
export async function markReleased(tx: Tx, applicationId: number, now: number): Promise<boolean> {
  const result = await tx
    .updateTable('applications')
    .set({ selected: 0, allocated_fen: 0, updated_at: now })
    .where('id', '=', applicationId)
    .where('selected', '=', 1)
    .where('delivered', '=', 0)
    .where('paid', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Locks those of `ids` that are applications of the demand, so none is withdrawn (deleted) before
 * the caller's transaction ends; answers how many there are. The caller holds the demand's row lock.
 */
export async function lockOfDemand(tx: Tx, demandId: number, ids: readonly number[]): Promise<number> {
  const query = tx
    .selectFrom('applications')
    .select('id')
    .where('demand_id', '=', demandId)
    .where('id', 'in', ids);
  return (await (hasRowLocks(tx) ? query.forUpdate() : query).execute()).length;
}

/** Records a delivery by the selected applicant, until the application is paid. */
export async function recordDelivery(
  db: Db,
  applicantId: number,
  id: number,
  delivery: { preview: string; source: string },
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('applications')
    .set({
      delivered: 1,
      delivery_preview: delivery.preview,
      delivery_source: delivery.source,
      delivered_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('applicant_id', '=', applicantId)
    .where('selected', '=', 1)
    .where('paid', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Withdraws an application that is neither selected nor paid; answers whether a row went. */
export async function deleteWithdrawable(db: Db, applicantId: number, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('applications')
    .where('id', '=', id)
    .where('applicant_id', '=', applicantId)
    .where('selected', '=', 0)
    .where('paid', '=', 0)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** How many applications the demand has (selected or not). */
export async function countApplications(db: Db, demandId: number): Promise<number> {
  const row = await db
    .selectFrom('applications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('demand_id', '=', demandId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countSelected(tx: Tx, demandId: number): Promise<number> {
  const row = await tx
    .selectFrom('applications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('demand_id', '=', demandId)
    .where('selected', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many applications of the demand are paid, selected or not (an imported one can be either). */
export async function countPaid(tx: Tx, demandId: number): Promise<number> {
  const row = await tx
    .selectFrom('applications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('demand_id', '=', demandId)
    .where('paid', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deletes every application of a demand that is being deleted; the caller holds the demand's row lock. */
export async function deleteApplicationsOf(tx: Tx, demandId: number): Promise<void> {
  await tx.deleteFrom('applications').where('demand_id', '=', demandId).execute();
}

// Payments: the money feature allocates shares and pays applications through these, inside its
// transaction. Callers hold the demand's row lock.

/** Puts what an application was allocated; the caller holds the demand's row lock. */
export async function setAllocation(tx: Tx, applicationIds: readonly number[], fen: number, now: number) {
  if (applicationIds.length === 0) return;
  await tx
    .updateTable('applications')
    .set({ allocated_fen: fen, updated_at: now })
    .where('id', 'in', applicationIds)
    .execute();
}

/** The selected applications of a demand not paid yet, oldest first: those a share goes to. */
export async function selectedUnpaidIds(tx: Tx, demandId: number): Promise<number[]> {
  const rows = await tx
    .selectFrom('applications')
    .select('id')
    .where('demand_id', '=', demandId)
    .where('selected', '=', 1)
    .where('paid', '=', 0)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Marks a selected, delivered, unpaid application paid; answers whether it was in that state. */
export async function markApplicationPaid(tx: Tx, applicationId: number, amountFen: number, now: number) {
  const result = await tx
    .updateTable('applications')
    .set({ paid: 1, paid_fen: amountFen, updated_at: now })
    .where('id', '=', applicationId)
    .where('selected', '=', 1)
    .where('delivered', '=', 1)
    .where('paid', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** What the selected, unpaid applications of a demand were allocated, together. */
export async function allocatedToUnpaid(tx: Tx, demandId: number): Promise<number> {
  const row = await tx
    .selectFrom('applications')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('allocated_fen'), eb.lit(0)).as('fen'))
    .where('demand_id', '=', demandId)
    .where('selected', '=', 1)
    .where('paid', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.fen);
}

/** The shares of the demand's selected, unpaid applications, oldest first: id and what each was allocated. */
export async function sharesOf(db: Db | Tx, demandId: number): Promise<Array<{ id: number; fen: number }>> {
  const rows = await db
    .selectFrom('applications')
    .select(['id', 'allocated_fen'])
    .where('demand_id', '=', demandId)
    .where('selected', '=', 1)
    .where('paid', '=', 0)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, fen: Number(row.allocated_fen) }));
}

export async function countSelectedUnpaid(tx: Tx, demandId: number): Promise<number> {
  const row = await tx
    .selectFrom('applications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('demand_id', '=', demandId)
    .where('selected', '=', 1)
    .where('paid', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function lockApplication(tx: Tx, applicationId: number) {
  const query = tx
    .selectFrom('applications')
    .select(['id', 'demand_id', 'applicant_id', 'selected', 'delivered', 'paid', 'allocated_fen'])
    .where('id', '=', applicationId);
  return (hasRowLocks(tx) ? query.forUpdate() : query).executeTakeFirst();
}

/**
 * Applications of the old backend, keeping their ids, selection, delivery and payment (`npm run
 * admin -- import-legacy`): a whole slice in one statement, since row-at-a-time inserts would make
 * an import take hours.
 */
export async function insertApplicationsKeepingIds(
  tx: Tx,
  applications: ReadonlyArray<Insertable<ApplicationsTable>>,
): Promise<void> {
  if (applications.length > 0) await tx.insertInto('applications').values(applications).execute();
}
