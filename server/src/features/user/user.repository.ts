import { type Insertable, sql } from 'kysely';
import { type Db, hasRowLocks, type Tx } from '../../db/database.js';
import { maxId } from '../../fields.js';
import { type UsersTable, userStateCodes } from './user.table.js';

export type UserRow = NonNullable<Awaited<ReturnType<typeof findUserById>>>;

const userColumns = [
  'id',
  'phone',
  'password_hash',
  'usertype',
  'userstate',
  'is_admin',
  'email',
  'face',
  'address',
  'created_at',
] as const;

export function findUserById(db: Db, id: number) {
  return db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
}

export function findUserByPhone(db: Db, phone: string) {
  return db.selectFrom('users').select(userColumns).where('phone', '=', phone).executeTakeFirst();
}

export async function insertUser(
  db: Db,
  user: { phone: string; usertype: number; passwordHash?: string | null; isAdmin?: boolean; now: number },
): Promise<number> {
  const result = await db
    .insertInto('users')
    .values({
      phone: user.phone,
      usertype: user.usertype,
      password_hash: user.passwordHash ?? null,
      is_admin: user.isAdmin ? 1 : 0,
      userstate: userStateCodes.unverified,
      email: '',
      face: '',
      address: '',
      created_at: user.now,
      updated_at: user.now,
    })
    .executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export async function setPasswordHash(db: Db, userId: number, passwordHash: string, now: number) {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

/**
 * Replaces the hash only while it is still `expected`: an old backend's hash upgraded at a login
 * must not overwrite a new password set meanwhile. True when it was replaced.
 */
export async function replacePasswordHash(
  db: Db,
  userId: number,
  expected: string,
  passwordHash: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', userId)
    .where('password_hash', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setAdmin(db: Db, userId: number, isAdmin: boolean, now: number) {
  await db
    .updateTable('users')
    .set({ is_admin: isAdmin ? 1 : 0, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

/** The contact details and avatar the owner may change; absent ones stay as they are. */
export async function updateContact(
  db: Db,
  userId: number,
  changes: { email?: string; face?: string; address?: string },
  now: number,
) {
  await db
    .updateTable('users')
    .set({ ...changes, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

/** Records whether the user counts as verified; the account feature decides it from the verifications. */
export async function setVerified(tx: Tx, userId: number, verified: boolean, now: number) {
  await tx
    .updateTable('users')
    .set({ userstate: verified ? userStateCodes.verified : userStateCodes.unverified, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

/**
 * Locks the user's row, so writes of one user that read before they write (the resume's entry cap,
 * a verification merged into its record) happen one at a time. SQLite needs no lock: it runs one
 * write transaction at a time.
 */
export async function lockUser(tx: Tx, userId: number): Promise<void> {
  if (!hasRowLocks(tx)) return;
  await tx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

/**
 * Accounts an operator looks for: the one with this id, and those whose phone starts with the
 * digits (at least three, so one keystroke does not list everybody), newest first.
 */
export function searchUsers(db: Db, digits: string, limit: number) {
  const id = Number(digits);
  return (
    db
      .selectFrom('users')
      .select(userColumns)
      .where((eb) =>
        eb.or([
          ...(id > 0 && id <= maxId ? [eb('id', '=', id)] : []),
          ...(digits.length >= 3 ? [eb('phone', 'like', `${digits}%`)] : []),
        ]),
      )
      // The account with that id first: 20 newer accounts whose phone starts with the same digits
      // (an id of 138 and every 138... phone) would otherwise push it off the list.
      .orderBy(sql`id = ${id}`, 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
  );
}

export function findUsersByIds(db: Db, userIds: readonly number[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').select(userColumns).where('id', 'in', userIds).execute();
}

export function phonesOf(db: Db, userIds: readonly number[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').select(['id', 'phone']).where('id', 'in', userIds).execute();
}

/**
 * Accounts of the old backend, keeping their ids (`npm run admin -- import-legacy`): a whole slice
 * in one statement, since row-at-a-time inserts would make an import of a deployment take hours.
 */
export async function insertUsersKeepingIds(
  tx: Tx,
  users: ReadonlyArray<Insertable<UsersTable>>,
): Promise<void> {
  if (users.length > 0) await tx.insertInto('users').values(users).execute();
}
