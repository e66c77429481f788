import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import type { Db } from './database.js';

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

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: new MigrationFolder() });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
