import type { ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { PasswordHasher } from '../features/auth/passwords.js';
import { findUserByPhone, insertUser, setAdmin, setPasswordHash } from '../features/user/user.repository.js';
import * as fields from '../fields.js';

export interface CommandContext {
  readonly config: Config;
  readonly database: Database;
  readonly values: Record<string, unknown>;
}

export interface Command {
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Does the work and answers the line to print. Throws with a readable message on bad input. */
  run(context: CommandContext): Promise<string>;
}

/** Parses flag values with zod, so a typo answers with the flag's name instead of a stack trace. */
export function parseFlags<T extends z.ZodRawShape>(shape: T, values: Record<string, unknown>) {
  const result = z.object(shape).safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`--${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

const createAdmin: Command = {
  usage: '--phone P --password W   create an admin account, or make an existing account admin',
  options: { phone: { type: 'string' }, password: { type: 'string' } },
  async run({ database, values }) {
    const { phone, password } = parseFlags({ phone: fields.phone, password: fields.password }, values);
    const hash = await new PasswordHasher().hash(password);
    const now = systemClock.now();
    const existing = await findUserByPhone(database.db, phone);
    if (existing) {
      await setPasswordHash(database.db, existing.id, hash, now);
      await setAdmin(database.db, existing.id, true, now);
      return `user ${existing.id} (${phone}) is now an admin`;
    }
    const id = await insertUser(database.db, { phone, usertype: 0, passwordHash: hash, isAdmin: true, now });
    return `admin ${id} (${phone}) created`;
  },
};

/** Every CLI verb. Features add theirs here. */
export const commands: Record<string, Command> = {
  'create-admin': createAdmin,
};
