import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database.js';
import { isUniqueViolation } from '../../db/database.js';
import { nextVersion } from '../../db/versions.js';
import { reviewCodes } from '../../review-states.js';
import type { VerificationKind } from './account.schemas.js';
import {
  type companyColumns,
  type individualBusinessColumns,
  pendingReview,
  type personColumns,
} from './verification.rows.js';
import type {
  CompanyVerificationsTable,
  IndividualBusinessPartnersTable,
  IndividualBusinessVerificationsTable,
  PersonVerificationsTable,
} from './verification.table.js';

export const tableOfKind = {
  person: 'person_verifications',
  company: 'company_verifications',
  individualBusiness: 'individual_business_verifications',
} as const;

/**
 * The review columns (user_id, state, reject_reason, submitted_at, reviewed_at) are the same in
 * every verification table; queries that touch only those name the table through this.
 */
const reviewTable = (kind: VerificationKind) => tableOfKind[kind] as 'person_verifications';

export function findPersonRows(db: Db, userIds: readonly number[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('person_verifications').selectAll().where('user_id', 'in', userIds).execute();
}

export function findCompanyRows(db: Db, userIds: readonly number[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('company_verifications').selectAll().where('user_id', 'in', userIds).execute();
}

export function findIndividualBusinessRows(db: Db, userIds: readonly number[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('individual_business_verifications')
    .selectAll()
    .where('user_id', 'in', userIds)
    .execute();
}

export function findPartnerRows(db: Db, userIds: readonly number[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('individual_business_partners')
    .selectAll()
    .where('user_id', 'in', userIds)
    .orderBy('position')
    .execute();
}

/**
 * Writes a submission: an update when the user has a record, else an insert. A first submission
 * racing another of the same user loses the insert to the primary key and updates instead.
 */
async function upsert(
  insert: () => Promise<unknown>,
  update: () => Promise<unknown>,
  exists: boolean,
): Promise<void> {
  if (exists) {
    await update();
    return;
  }
  try {
    await insert();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await update();
  }
}

/**
 * A stored record's columns when submitted again: back to pending, with a version past the one a
 * reviewer may have read (nextVersion), even within the same millisecond.
 */
function resubmitted<Columns extends object>(columns: Columns, now: number) {
  return { ...columns, ...pendingReview(now), submitted_at: nextVersion('submitted_at', now) };
}

/**
 * Writes a person record. It goes back to review unless `keepReview`: the resume wizard re-sends
 * the identity unchanged with the work preferences, and that must not undo a review.
 */
export function savePerson(
  tx: Tx,
  userId: number,
  columns: ReturnType<typeof personColumns>,
  now: number,
  exists: boolean,
  keepReview = false,
) {
  return upsert(
    () =>
      tx
        .insertInto('person_verifications')
        .values({ ...columns, ...pendingReview(now), user_id: userId, created_at: now })
        .execute(),
    () =>
      tx
        .updateTable('person_verifications')
        .set(keepReview ? columns : resubmitted(columns, now))
        .where('user_id', '=', userId)
        .execute(),
    exists,
  );
}

export function saveCompany(
  tx: Tx,
  userId: number,
  columns: ReturnType<typeof companyColumns>,
  now: number,
  exists: boolean,
) {
  return upsert(
    () =>
      tx
        .insertInto('company_verifications')
        .values({ ...columns, ...pendingReview(now), user_id: userId, created_at: now })
        .execute(),
    () =>
      tx
        .updateTable('company_verifications')
        .set(resubmitted(columns, now))
        .where('user_id', '=', userId)
        .execute(),
    exists,
  );
}

export function saveIndividualBusiness(
  tx: Tx,
  userId: number,
  columns: ReturnType<typeof individualBusinessColumns>,
  now: number,
  exists: boolean,
) {
  return upsert(
    () =>
      tx
        .insertInto('individual_business_verifications')
        .values({ ...columns, ...pendingReview(now), user_id: userId, created_at: now })
        .execute(),
    () =>
      tx
        .updateTable('individual_business_verifications')
        .set(resubmitted(columns, now))
        .where('user_id', '=', userId)
        .execute(),
    exists,
  );
}

export async function replacePartners(
  tx: Tx,
  userId: number,
  partners: readonly { name: string; idNumber: string }[],
): Promise<void> {
  await tx.deleteFrom('individual_business_partners').where('user_id', '=', userId).execute();
  if (partners.length === 0) return;
  await tx
    .insertInto('individual_business_partners')
    .values(
      partners.map((p, position) => ({ user_id: userId, position, name: p.name, id_number: p.idNumber })),
    )
    .execute();
}

/** Decides a pending record. False when there is none pending (absent, or decided already). */
export async function decidePending(
  tx: Tx,
  kind: VerificationKind,
  userId: number,
  decision: { state: number; reason: string; now: number },
): Promise<boolean> {
  const result = await tx
    .updateTable(reviewTable(kind))
    .set({ state: decision.state, reject_reason: decision.reason, reviewed_at: decision.now })
    .where('user_id', '=', userId)
    .where('state', '=', reviewCodes.pending)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function hasRecord(db: Db, kind: VerificationKind, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom(reviewTable(kind))
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The review state, reason and submission time of the user's record of this kind; undefined when there is none. */
export function findReview(db: Db | Tx, kind: VerificationKind, userId: number) {
  return db
    .selectFrom(reviewTable(kind))
    .select(['state', 'reject_reason', 'submitted_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Whether any of the user's verifications is approved: what makes a user count as verified. */
export async function hasApprovedVerification(db: Db | Tx, userId: number): Promise<boolean> {
  let verified = false;
  for (const kind of Object.keys(tableOfKind) as VerificationKind[]) {
    const approved = await db
      .selectFrom(reviewTable(kind))
      .select('user_id')
      .where('user_id', '=', userId)
      .where('state', '=', reviewCodes.approved)
      .executeTakeFirst();
    verified ||= approved !== undefined;
  }
  return verified;
}

/** The names of the users' verified companies; those without one are left out. */
export async function verifiedCompanyNames(db: Db, userIds: readonly number[]): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('company_verifications')
    .select(['user_id', 'name'])
    .where('user_id', 'in', userIds)
    .where('state', '=', reviewCodes.approved)
    .execute();
  return new Map(rows.map((row) => [row.user_id, row.name]));
}

/** The company name the user got verified, or null: what a public demand may show of its poster. */
export async function verifiedCompanyName(db: Db, userId: number): Promise<string | null> {
  return (await verifiedCompanyNames(db, [userId])).get(userId) ?? null;
}

/** One page of the review queue over the given kinds, oldest submission first. */
export async function pendingPage(db: Db, kinds: readonly VerificationKind[], page: number, perPage: number) {
  const [first, ...rest] = kinds.map((kind) =>
    db
      .selectFrom(reviewTable(kind))
      .select(['user_id', 'submitted_at', sql.lit(kind).$castTo<VerificationKind>().as('kind')])
      .where('state', '=', reviewCodes.pending),
  );
  if (!first) return { total: 0, rows: [] };
  const queue = rest.reduce((union, next) => union.unionAll(next), first).as('queue');
  const counted = await db
    .selectFrom(queue)
    .select((eb) => eb.fn.countAll().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom(queue)
    .selectAll()
    .orderBy('submitted_at')
    .orderBy('user_id')
    .orderBy('kind')
    .limit(perPage)
    .offset((page - 1) * perPage)
    .execute();
  return { total: Number(counted.total), rows };
}

/*
 * Records of the old backend (`npm run admin -- import-legacy`), with their review state as it
 * was: a whole slice in one statement each, unlike the save functions above, which put a record
 * back to review and write one at a time.
 */

export async function insertPersonRecords(tx: Tx, rows: ReadonlyArray<Insertable<PersonVerificationsTable>>) {
  if (rows.length > 0) await tx.insertInto('person_verifications').values(rows).execute();
}

export async function insertCompanyRecords(
  tx: Tx,
  rows: ReadonlyArray<Insertable<CompanyVerificationsTable>>,
) {
  if (rows.length > 0) await tx.insertInto('company_verifications').values(rows).execute();
}

export async function insertIndividualBusinessRecords(
  tx: Tx,
  rows: ReadonlyArray<Insertable<IndividualBusinessVerificationsTable>>,
) {
  if (rows.length > 0) await tx.insertInto('individual_business_verifications').values(rows).execute();
}

/** Partners keeping their old ids, so a second import knows them. */
export async function insertPartnersKeepingIds(
  tx: Tx,
  rows: ReadonlyArray<Insertable<IndividualBusinessPartnersTable>>,
) {
  if (rows.length > 0) await tx.insertInto('individual_business_partners').values(rows).execute();
}
