import type { Db } from '../../db/database.js';

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
      userstate: 0,
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

export async function setAdmin(db: Db, userId: number, isAdmin: boolean, now: number) {
  await db
    .updateTable('users')
    .set({ is_admin: isAdmin ? 1 : 0, updated_at: now })
    .where('id', '=', userId)
    .execute();
}
