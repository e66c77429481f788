import { existsSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import type { Config } from '../config.js';
import { embeddedDatabaseFile } from '../db/database.js';

/**
 * A deployment that outgrew the embedded default and was started on MySQL finds an empty database:
 * every login refused, every file 404, though `DATA_DIR/app.db` still holds it all. The service
 * moves nothing between the two, so it says so at start rather than serve as if it were new.
 */
export function embeddedDataWarning(config: Config): string | undefined {
  if (!config.databaseUrl) return undefined;
  const file = embeddedDatabaseFile(config.dataDir);
  const accounts = accountsIn(file);
  if (!accounts) return undefined;
  return (
    `DATABASE_URL is set, and ${file} holds an embedded database this service no longer reads ` +
    `(${accounts} accounts): they, their demands, money and the uploads they name are not on MySQL. ` +
    'Nothing moves them (README, "Run"); start without DATABASE_URL to serve them.'
  );
}

/** How many accounts the embedded database holds; 0 when there is none, or none can be read. */
function accountsIn(file: string): number {
  try {
    if (!existsSync(file)) return 0;
    const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      const row = sqlite.prepare('select count(*) as n from users').get() as { n: number } | undefined;
      return row?.n ?? 0;
    } finally {
      sqlite.close();
    }
  } catch {
    // A warning must not stop a start: an unreadable folder or file is one the operator did not mean.
    return 0;
  }
}
