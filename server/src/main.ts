import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp, createMetrics } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase, requestLimitsOf } from './db/database.js';
import { migrateToLatest } from './db/migrator.js';
import { StoreUnavailableError } from './errors.js';
import { DiskStorage } from './features/uploads/disk-storage.js';
import { openFileStorage } from './features/uploads/storage-driver.js';
import { openKeyValueStore } from './kv/open-store.js';
import { RedisStore } from './kv/redis-store.js';
import { createLogger } from './logger.js';
import { embeddedDataWarning, embeddedFileModeWarning } from './ops/embedded-data-warning.js';
import { Readiness } from './ops/readiness.js';
import { sharedStateWarnings } from './ops/shared-state-warnings.js';
import { uploadSlotWarning } from './ops/upload-slot-warning.js';
import { StartupError, startingWith } from './startup-error.js';

/** How long in-flight requests get to finish, once the service stops accepting, before it gives up. */
const shutdownGraceMs = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config);
  for (const warning of sharedStateWarnings(config)) log.warn(warning);
  for (const warning of [
    uploadSlotWarning(config),
    embeddedDataWarning(config),
    embeddedFileModeWarning(config),
  ]) {
    if (warning) log.warn(warning);
  }
  // Migrations get a connection of their own, without the time limits of request traffic: an
  // index over a big table or a backfill may rightly run for minutes. Instances starting together
  // all ask; the migrator's lock lets one apply and the rest find it done.
  const databaseSetting = config.databaseUrl ? 'DATABASE_URL' : `DATA_DIR (${config.dataDir})`;
  const applied = await startingWith(databaseSetting, async () => {
    const migrations = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
    try {
      return await migrateToLatest(migrations.db);
    } finally {
      await migrations.close();
    }
  });
  log.info({ applied: applied.results?.map((result) => result.migrationName) ?? [] }, 'migrations');
  if (applied.newer.length > 0) {
    log.warn(
      { newer: applied.newer },
      'the database was migrated by a newer version of the service; this one runs on it as it is',
    );
  }
  const database = openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    limits: requestLimitsOf(config),
    log,
  });

  const kv = await openKeyValueStore(config, undefined, log);
  const evicting = kv instanceof RedisStore ? await kv.evictionPolicy().catch(() => undefined) : undefined;
  if (evicting) {
    log.warn(
      `Redis has maxmemory-policy ${evicting}: under memory pressure it may drop the rate-limit counters ` +
        '(limits then stop limiting) and sessions. Set maxmemory-policy noeviction on the Redis the service uses.',
    );
  }

  const storage = await openFileStorage(config.storage);
  await storage.check().catch((error: unknown) => {
    // Not answering is an outage, as it is to a running instance: uploads and downloads answer 503
    // until it answers, and everything else serves. Refusing to start instead took instances away
    // one by one in a rolling restart during an S3 outage. A refusal (no such bucket, access
    // denied) is configuration, and stops the start.
    if (error instanceof StoreUnavailableError) {
      log.warn(
        { err: error.cause },
        `file storage (${config.storage.driver}) does not answer: uploads and downloads answer 503 until it does`,
      );
      return;
    }
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // Named by the setting to change, as the other start failures are.
    const setting =
      config.storage.driver === 'disk' ? `UPLOAD_DIR (${config.storage.dir})` : 'S3_BUCKET, S3_*';
    throw new StartupError(`${setting}: file storage (${config.storage.driver}) is not usable: ${reason}`);
  });

  if (storage instanceof DiskStorage) {
    // The parts of uploads a killed process left behind: at start, and hourly, since a restart
    // right after a crash finds them still too recent to tell from another instance's uploads.
    const sweep = () =>
      storage
        .removeStalePartials(config.limits.uploadWait.totalMs)
        .catch((error: unknown) => log.warn({ err: error }, 'stale upload parts could not be removed'));
    void sweep();
    setInterval(sweep, 60 * 60_000).unref();
  }

  const metrics = config.metrics ? await createMetrics({ database, kv }) : undefined;
  const readiness = new Readiness();
  const app = await buildApp(config, { database, kv, storage, metrics, readiness, logger: log });
  await startingWith(`PORT, HOST (${config.host}:${config.port})`, () =>
    app.listen({ port: config.port, host: config.host }),
  );
  const metricsListen = config.metrics?.listen;
  const metricsServer =
    metrics && metricsListen
      ? await startingWith(
          `METRICS_PORT, METRICS_HOST (${metricsListen.host}:${metricsListen.port})`,
          async () => (await import('./ops/metrics.js')).serveMetricsSeparately(metrics, metricsListen),
        )
      : undefined;
  log.info(
    {
      database: database.dialect,
      kv: kv instanceof RedisStore ? kv.kind : 'memory',
      storage: config.storage.driver,
      sms: config.sms.provider,
      metrics: metricsServer
        ? `http://${metricsListen?.host}:${metricsListen?.port}/metrics`
        : config.metrics
          ? '/metrics'
          : 'off',
    },
    'service started',
  );

  let stopping = false;
  const waitCutShort = new AbortController();
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal: stop waiting for the balancer and close now.
      waitCutShort.abort();
      return;
    }
    stopping = true;
    readiness.drain();
    if (config.shutdownDelayMs > 0) {
      log.info(
        { signal, ms: config.shutdownDelayMs },
        'shutting down: not ready, still serving while balancers notice',
      );
      await sleep(config.shutdownDelayMs, undefined, { signal: waitCutShort.signal }).catch(() => undefined);
    }
    log.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, shutdownGraceMs).unref();
    await app.close();
    await metricsServer?.close();
    await Promise.allSettled([database.close(), kv.close(), storage.close()]);
    log.info('stopped');
    // Everything is closed, yet a connection to a store that stopped answering (a partition) is
    // still open, waiting for a goodbye that never comes, and would keep the process alive until
    // the guard above ends it as failed. (The log's buffer is written on exit.)
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else if (error instanceof StartupError) process.stderr.write(`failed to start: ${error.message}\n`);
  else process.stderr.write(`failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
