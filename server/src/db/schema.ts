import type { Generated } from 'kysely';

/** Row types as the database holds them. Times are unix milliseconds, money is integer fen. */
export interface UsersTable {
  id: Generated<number>;
  phone: string;
  password_hash: string | null;
  usertype: number;
  userstate: number;
  is_admin: number;
  email: string;
  face: string;
  address: string;
  created_at: number;
  updated_at: number;
}

export interface DatabaseSchema {
  users: UsersTable;
}
