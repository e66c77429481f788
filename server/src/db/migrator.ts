import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import type { Db } from './database.js';

export const migrationsDir = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** Only `YYYYMMDDHHmmss_name.ts` files are migrations; anything else in the folder is ignored. */
const migrationFile = /^\d{14}_[a-z0-9_]+\.ts$/;

class MigrationFolder implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(migrationsDir)).filter((f) => migrationFile.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const module = (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as Migration;
      migrations[file.replace(/\.ts$/, '')] = module;
    }
    return migrations;
  }
}

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: new MigrationFolder() });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
