import { loadConfig } from '../config.js';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrator.js';

const config = loadConfig();
const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
try {
  const { results = [], newer } = await migrateToLatest(database.db);
  for (const r of results) process.stdout.write(`${r.status.padEnd(8)} ${r.migrationName}\n`);
  for (const name of newer) process.stdout.write(`newer    ${name} (run by a newer version)\n`);
  process.stdout.write(results.length ? 'migrated\n' : 'already up to date\n');
} finally {
  await database.close();
}
