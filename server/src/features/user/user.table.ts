import type { Generated } from 'kysely';
import { type UserType, userTypes } from './user.schemas.js';

/** Accounts. Times are unix milliseconds. Written only through user.repository.ts. */
export interface UsersTable {
  id: Generated<number>;
  phone: string;
  password_hash: string | null;
  /** userTypeCodes */
  usertype: number;
  /** userStateCodes: follows the user's verifications (the account feature decides, this table keeps it). */
  userstate: number;
  /** 1 for admins, else 0. */
  is_admin: number;
  email: string;
  face: string;
  address: string;
  created_at: number;
  updated_at: number;
}

/** How user types are stored (and numbered in the legacy API). */
export const userTypeCodes: Record<UserType, number> = { unknown: 0, person: 1, company: 2 };
export const userTypeOfCode = (code: number): UserType => userTypes[code] ?? 'unknown';

/** How `userstate` is stored: verified while any of the user's verifications is approved and no person record awaits review. */
export const userStateCodes = { unverified: 0, verified: 1 } as const;
