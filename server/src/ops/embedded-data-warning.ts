import { existsSync, statSync } from 'node:fs';
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

/**
 * The service makes its embedded database and its generated secret readable by its own user alone
 * (they hold phones, password hashes and the key of every token). A file restored from a backup, or
 * copied in, keeps the mode the copy gave it, often 644: every user of the machine can read it.
 * Said at start, naming the files; nothing is changed behind the operator's back.
 */
export function embeddedFileModeWarning(config: Config): string | undefined {
  const database = embeddedDatabaseFile(config.dataDir);
  // The journal files hold recent rows too, and keep the mode they were made with.
  const databaseFiles = config.databaseUrl ? [] : [database, `${database}-wal`, `${database}-shm`];
  const files = [...databaseFiles, config.appSecretFile];
  const open = files.filter((file): file is string => file !== undefined && readableByOthers(file));
  if (open.length === 0) return undefined;
  return (
    `${open.join(', ')} can be read by other users of this machine: they hold phones, password ` +
    'hashes or the key of every session. chmod 600 them (the service makes them so; a restored copy keeps its own mode).'
  );
}

function readableByOthers(file: string): boolean {
  try {
    return (statSync(file).mode & 0o077) !== 0;
  } catch {
    return false; // not there (yet): made by the service, with its mode
  }
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
