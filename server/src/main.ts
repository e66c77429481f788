import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrator.js';
import { openKeyValueStore } from './kv/open-store.js';
import { createLogger } from './logger.js';

/** How long in-flight requests get to finish after SIGTERM/SIGINT before the process gives up. */
const shutdownGraceMs = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config);
  const database = openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
  });
  await migrateToLatest(database.db);

  const kv = await openKeyValueStore(config);

  const app = await buildApp(config, { database, kv, logger: log });
  await app.listen({ port: config.port, host: config.host });
  log.info(
    { database: database.dialect, kv: config.redisUrl ? 'redis' : 'memory', sms: config.sms.provider },
    'service started',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, shutdownGraceMs).unref();
    await app.close();
    await Promise.allSettled([database.close(), kv.close()]);
    log.info('stopped');
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
