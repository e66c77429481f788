import type { Clock } from '../../clock.js';
import type { Db, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import { AppError } from '../../errors.js';
import {
  findUserById,
  findUserByPhone,
  findUsersByIds,
  insertUser,
  searchUsers,
  setAdmin,
  setPasswordHash,
  type UserRow,
} from './user.repository.js';
import type { Profile } from './user.schemas.js';
import { userStateCodes, userTypeCodes, userTypeOfCode } from './user.table.js';

export class UserService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async profile(userId: number): Promise<Profile> {
    const row = await findUserById(this.db, userId);
    if (!row) throw new AppError('UNAUTHENTICATED');
    return toProfile(row);
  }

  /** The phone of an account, for doors that name accounts by id. */
  async phoneOf(userId: number): Promise<string | undefined> {
    return (await findUserById(this.db, userId))?.phone;
  }

  /** Any account by id, for admins; null when there is none. */
  async findById(userId: number): Promise<Profile | null> {
    const row = await findUserById(this.db, userId);
    return row ? toProfile(row) : null;
  }

  /** Admins look accounts up by id or the first digits of the phone (at most 20, newest first). */
  async search(digits: string): Promise<Profile[]> {
    return (await searchUsers(this.db, digits, 20)).map(toProfile);
  }

  /** The profiles of the given accounts, by id (those that exist). */
  async profilesOf(userIds: readonly number[]): Promise<Map<number, Profile>> {
    const rows = await findUsersByIds(this.db, userIds);
    return new Map(rows.map((row) => [row.id, toProfile(row)]));
  }

  async findByPhone(phone: string): Promise<Profile | null> {
    const row = await findUserByPhone(this.db, phone);
    return row ? toProfile(row) : null;
  }

  /**
   * Makes the phone's account an admin with this password, creating the account when there is none.
   * `alsoInTransaction` is given the outcome, with whether the account was an admin before, as the
   * transaction read it.
   */
  async grantAdmin(
    phone: string,
    passwordHash: string,
    options: { alsoInTransaction?: (tx: Tx, outcome: AdminGrant) => Promise<void> } = {},
  ): Promise<AdminGrant> {
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      const outcome = await makeAdmin(tx, phone, passwordHash, now);
      await options.alsoInTransaction?.(tx, outcome);
      return outcome;
    });
  }
}

export interface AdminGrant {
  readonly userId: number;
  readonly created: boolean;
  /** Whether the account was an admin already; false for one created. */
  readonly wasAdmin: boolean;
}

async function makeAdmin(tx: Tx, phone: string, passwordHash: string, now: number): Promise<AdminGrant> {
  const existing = await findUserByPhone(tx, phone);
  if (existing) {
    await setPasswordHash(tx, existing.id, passwordHash, now);
    await setAdmin(tx, existing.id, true, now);
    return { userId: existing.id, created: false, wasAdmin: existing.is_admin === 1 };
  }
  const userId = await insertUser(tx, {
    phone,
    usertype: userTypeCodes.unknown,
    passwordHash,
    isAdmin: true,
    now,
  });
  return { userId, created: true, wasAdmin: false };
}

function toProfile(row: UserRow): Profile {
  return {
    id: row.id,
    phone: row.phone,
    userType: userTypeOfCode(row.usertype),
    verified: row.userstate === userStateCodes.verified,
    email: row.email,
    face: row.face,
    address: row.address,
    isAdmin: row.is_admin === 1,
    createdAt: new Date(Number(row.created_at)),
  };
}
