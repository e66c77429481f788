import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { findUserById, findUserByPhone, type UserRow } from './user.repository.js';
import { type Profile, userTypeOfCode } from './user.schemas.js';

export class UserService {
  constructor(private readonly db: Db) {}

  async profile(userId: number): Promise<Profile> {
    const row = await findUserById(this.db, userId);
    if (!row) throw new AppError('UNAUTHENTICATED');
    return toProfile(row);
  }

  /** The phone of an account, for doors that name accounts by id. */
  async phoneOf(userId: number): Promise<string | undefined> {
    return (await findUserById(this.db, userId))?.phone;
  }

  async findByPhone(phone: string): Promise<Profile | null> {
    const row = await findUserByPhone(this.db, phone);
    return row ? toProfile(row) : null;
  }
}

function toProfile(row: UserRow): Profile {
  return {
    id: row.id,
    phone: row.phone,
    userType: userTypeOfCode(row.usertype),
    verified: row.userstate === 1,
    email: row.email,
    face: row.face,
    address: row.address,
    isAdmin: row.is_admin === 1,
    createdAt: new Date(Number(row.created_at)),
  };
}
