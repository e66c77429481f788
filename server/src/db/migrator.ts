import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DEFAULT_MIGRATION_TABLE,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  sql,
} from 'kysely';
import type { Db } from './database.js';
import { checkMigrationRights } from './migration-rights.js';
import { checkTriggers } from './triggers.js';

export const migrationsDir = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/**
 * Only `YYYYMMDDHHmmss_name.ts` files are migrations, or `.js` where the server runs compiled
 * (`npm run build` puts them in dist/migrations); anything else in the folder is ignored.
 */
const migrationFile = /^(\d{14}_[a-z0-9_]+)\.(ts|js)$/;

class MigrationFolder implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of (await readdir(migrationsDir)).sort()) {
      const name = migrationFile.exec(file)?.[1];
      if (!name) continue;
      // One migration twice (a stale .js beside its .ts) would run whichever came last: refuse instead.
      if (name in migrations) throw new Error(`migration ${name} is in ${migrationsDir} twice`);
      migrations[name] = (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as Migration;
    }
    return migrations;
  }
}

export interface MigrationOutcome extends MigrationResultSet {
  /** Migrations the database has run that this version does not have: a newer version's. */
  readonly newer: readonly string[];
}

/**
 * Applies this version's pending migrations. A database a newer version has migrated (a rolling
 * upgrade under way, or one being rolled back) is left as it is when it already has every
 * migration of this version: migrations only add (tables, columns with defaults, indexes), so the
 * previous version runs on the newer schema. Kysely would refuse it ("corrupted migrations"), and
 * an instance of the version still serving could then not restart, nor the upgrade be rolled back.
 * A database that has a newer version's migrations and lacks one of this version's is refused, and
 * so is one whose triggers are gone (db/triggers.ts).
 */
export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  const provider = new MigrationFolder();
  const known = Object.keys(await provider.getMigrations());
  const executed = await executedMigrations(db);
  const newer = executed.filter((name) => !known.includes(name));
  if (newer.length > 0) {
    const missing = known.filter((name) => !executed.includes(name));
    if (missing.length > 0) {
      throw new Error(
        `the database has migrations this version does not have (${newer.join(', ')}) and lacks some it has (${missing.join(', ')}): run the version that has them all`,
      );
    }
    await checkTriggers(db);
    return { results: [], newer };
  }
  if (known.some((name) => !executed.includes(name))) await checkMigrationRights(db);
  const result = await new Migrator({ db, provider }).migrateToLatest();
  if (result.error) throw result.error;
  await checkTriggers(db);
  return { ...result, newer };
}

/** The migrations recorded as run (Kysely's own table), none in a database never migrated. */
async function executedMigrations(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === DEFAULT_MIGRATION_TABLE)) return [];
  const query = sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`;
  return (await query.execute(db)).rows.map((row) => row.name);
}
