import { ConfigError, loadDatabaseConfig } from '../config.js';
import { StartupError, startingWith } from '../startup-error.js';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrator.js';

try {
  const config = loadDatabaseConfig();
  const setting = config.databaseUrl ? 'DATABASE_URL' : `DATA_DIR (${config.dataDir})`;
  const { results = [], newer } = await startingWith(setting, async () => {
    const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
    try {
      return await migrateToLatest(database.db);
    } finally {
      await database.close();
    }
  });
  for (const r of results) process.stdout.write(`${r.status.padEnd(8)} ${r.migrationName}\n`);
  for (const name of newer) process.stdout.write(`newer    ${name} (run by a newer version)\n`);
  process.stdout.write(results.length ? 'migrated\n' : 'already up to date\n');
} catch (error) {
  // A refusal that says all (a missing right, a refused connection) is one line; a bug keeps its stack.
  const text =
    error instanceof StartupError || error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? error.stack
        : String(error);
  process.stderr.write(`migration failed: ${text}\n`);
  process.exitCode = 1;
}
