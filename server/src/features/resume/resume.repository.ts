import type { Generated } from 'kysely';
import type { Db, Tx } from '../../db/database.js';

export type ResumeTable = 'resume_projects' | 'resume_skills' | 'resume_jobs' | 'resume_education';

/** A row's own columns by name, as the list definitions (resume.lists.ts) convert them. */
export type StoredColumns = Record<string, string | number>;

/** What every resume table has besides the list's own columns. */
interface OwnedRow {
  id: Generated<number>;
  user_id: number;
  created_at: number;
  updated_at: number;
  [column: string]: unknown;
}

export type StoredRow = { id: number; user_id: number } & Record<string, unknown>;

/**
 * The four tables share their owned-row columns and the same queries. Kysely cannot type a query
 * over "one of these tables", so the queries also see each as an owned row with further named
 * columns (Kysely's `withTables`, no cast); the list definitions say which.
 */
const loose = (db: Db | Tx) => db.withTables<Record<ResumeTable, OwnedRow>>();

export async function countEntries(db: Db | Tx, table: ResumeTable, userId: number): Promise<number> {
  const row = await loose(db)
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('count'))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** The user's entries in the order they were added. */
export function findEntries(
  db: Db | Tx,
  table: ResumeTable,
  userId: number,
  window?: { offset: number; limit: number },
): Promise<StoredRow[]> {
  let query = loose(db).selectFrom(table).selectAll().where('user_id', '=', userId).orderBy('id', 'asc');
  if (window) query = query.limit(window.limit).offset(window.offset);
  return query.execute() as Promise<StoredRow[]>;
}

export async function insertEntry(
  db: Db | Tx,
  table: ResumeTable,
  userId: number,
  columns: StoredColumns,
  now: number,
): Promise<number> {
  const result = await loose(db)
    .insertInto(table)
    .values({ ...columns, user_id: userId, created_at: now, updated_at: now })
    .executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export async function insertEntries(
  db: Db | Tx,
  table: ResumeTable,
  userId: number,
  rows: readonly StoredColumns[],
  now: number,
): Promise<void> {
  if (rows.length === 0) return;
  await loose(db)
    .insertInto(table)
    .values(rows.map((columns) => ({ ...columns, user_id: userId, created_at: now, updated_at: now })))
    .execute();
}

/** Changes the entry only when it belongs to the user; false when no such entry of theirs exists. */
export async function updateEntry(
  db: Db | Tx,
  table: ResumeTable,
  userId: number,
  id: number,
  columns: StoredColumns,
  now: number,
): Promise<boolean> {
  const result = await loose(db)
    .updateTable(table)
    .set({ ...columns, updated_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  // mysql2 reports matched rows (FOUND_ROWS), so an update that changes nothing still counts.
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes the entry only when it belongs to the user; false when no such entry of theirs exists. */
export async function deleteEntry(db: Db | Tx, table: ResumeTable, userId: number, id: number) {
  const result = await loose(db)
    .deleteFrom(table)
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteAllEntries(trx: Tx, table: ResumeTable, userId: number): Promise<void> {
  await loose(trx).deleteFrom(table).where('user_id', '=', userId).execute();
}

/**
 * Entries of the old backend with their ids and owners (`npm run admin -- import-legacy`): a whole
 * slice in one statement, since row-at-a-time inserts would make an import take hours.
 */
export async function insertEntriesKeepingIds(
  tx: Tx,
  table: ResumeTable,
  rows: ReadonlyArray<
    StoredColumns & { id: number; user_id: number; created_at: number; updated_at: number }
  >,
): Promise<void> {
  if (rows.length > 0) await loose(tx).insertInto(table).values(rows).execute();
}
