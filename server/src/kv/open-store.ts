import type { Config } from '../config.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import type { KeyValueStore } from './store.js';

/** How long a starting process waits for Redis before giving up. */
const readyTimeoutMs = 10_000;

/**
 * The configured store: Redis when REDIS_URL is set, resolved once connected so a starting
 * process does not answer its first requests with 503; else the in-process store.
 */
export async function openKeyValueStore(
  config: Pick<Config, 'redisUrl' | 'redisTimeoutMs'>,
): Promise<KeyValueStore> {
  if (!config.redisUrl) return new MemoryStore();
  const redis = new RedisStore({ url: config.redisUrl, timeoutMs: config.redisTimeoutMs });
  try {
    await redis.waitUntilReady(readyTimeoutMs);
  } catch (error) {
    await redis.close();
    throw error;
  }
  return redis;
}
