import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase, requestLimitsOf } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrator.js';
import { RedisStore } from '../../server/src/kv/redis-store.js';
import { createLogger } from '../../server/src/logger.js';
import { benchKeyPrefix } from '../data.js';
import { serveParent } from './ipc.js';

/**
 * The service itself, started the way server/src/main.ts starts it (config from the environment,
 * migrations, Redis ready, buildApp, listen), with the bench's Redis key prefix.
 */
const config = loadConfig();
const log = createLogger(config);
const migrations = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
await migrateToLatest(migrations.db);
await migrations.close();
const database = openDatabase({
  url: config.databaseUrl,
  dataDir: config.dataDir,
  poolSize: config.dbPoolSize,
  limits: requestLimitsOf(config),
});
const kv = new RedisStore({
  url: config.redisUrl as string,
  keyPrefix: benchKeyPrefix,
  timeoutMs: config.redisTimeoutMs,
  // Only the configuration sweep sets this, to measure the choice RedisStore makes by default.
  ...(process.env.REDIS_AUTO_PIPELINING
    ? { autoPipelining: process.env.REDIS_AUTO_PIPELINING === 'true' }
    : {}),
});
await kv.waitUntilReady(10_000);
const app = await buildApp(config, { database, kv, logger: log });
await app.listen({ port: 0, host: '127.0.0.1' });
serveParent((app.server.address() as { port: number }).port, async () => {
  await app.close();
  await Promise.allSettled([database.close(), kv.close()]);
});
