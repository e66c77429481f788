import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { OutageLog } from '../outage-log.js';
import { StartupError } from '../startup-error.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import type { KeyValueStore } from './store.js';

/** How long a starting process waits for Redis before giving up. */
const defaultReadyTimeoutMs = 10_000;

/**
 * The configured store: Redis when REDIS_URL is set, resolved once connected so a starting
 * process does not answer its first requests with 503; else the in-process store. A Redis that
 * cannot serve stops the start with a StartupError saying why.
 */
export async function openKeyValueStore(
  config: Pick<Config, 'redisUrl' | 'redisTimeoutMs'>,
  readyTimeoutMs = defaultReadyTimeoutMs,
  /** Where outages are told as they begin and end: the service's log. */
  log?: Logger,
): Promise<KeyValueStore> {
  if (!config.redisUrl) return new MemoryStore();
  const redis = new RedisStore({
    url: config.redisUrl,
    timeoutMs: config.redisTimeoutMs,
    ...(log && { outages: new OutageLog(log, 'Redis') }),
  });
  try {
    await redis.waitUntilReady(readyTimeoutMs).catch((error: Error) => {
      throw new StartupError(error.message);
    });
    if (await redis.isClusterNode()) {
      throw new StartupError(
        'REDIS_URL names a node of a Redis Cluster, which answers only for its own slots: name the cluster as redis-cluster://host:port,host:port,... (or set REDIS_CLUSTER_NODES)',
      );
    }
  } catch (error) {
    await redis.close();
    throw error;
  }
  return redis;
}
