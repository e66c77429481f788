import { statSync } from 'node:fs';
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
  const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (size === 0) return undefined;
  return (
    `DATABASE_URL is set, and ${file} holds an embedded database this service no longer reads: ` +
    'its accounts, demands, money and the uploads it names are not on MySQL. Nothing moves them ' +
    '(README, "Run"); start without DATABASE_URL to serve them.'
  );
}
