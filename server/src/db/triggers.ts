import { MysqlAdapter, sql } from 'kysely';
import { StartupError } from '../startup-error.js';
import type { Db } from './database.js';

/**
 * The triggers the migrations create, which the code counts on: the ledger and the admins' audit
 * trail refuse updates and deletes, and the public list's counts follow every demand written. A
 * migration that drops or renames one changes this list with it.
 */
const requiredTriggers = [
  'ledger_entries_no_update',
  'ledger_entries_no_delete',
  'admin_actions_no_update',
  'admin_actions_no_delete',
  'demand_counts_insert',
  'demand_counts_delete',
  'demand_counts_update',
] as const;

/**
 * Refuses a database whose migrations are recorded as run but whose triggers are gone: a dump
 * restored by a user who may not create them under their DEFINER (MySQL refuses each one, and
 * `mysql --force` goes on without them). The service would run on it without a word, its ledger
 * open to updates and its demand counts drifting from the rows.
 */
export async function checkTriggers(db: Db): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const { rows } = await (mysql
    ? sql<{
        name: string;
      }>`select trigger_name as name from information_schema.triggers where trigger_schema = database()`
    : sql<{ name: string }>`select name from sqlite_master where type = 'trigger'`
  ).execute(db);
  const present = new Set(rows.map((row) => row.name.toLowerCase()));
  const missing = requiredTriggers.filter((name) => !present.has(name));
  if (missing.length === 0) return;
  throw new StartupError(
    `the database lacks the triggers ${missing.join(', ')}, which its migrations created: was it restored ` +
      'from a dump by a user not allowed to create them? Restore it again as README "Backups" says.',
  );
}
