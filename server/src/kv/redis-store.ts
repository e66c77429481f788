import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../errors.js';
import { parseRedisTarget } from './redis-target.js';
import type { KeyValueStore } from './store.js';

/** INCRBY that starts the TTL only when it creates the counter, atomically (a fixed window). */
const incrementScript = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** SADD that only ever extends the set's TTL, so one short-lived member cannot shorten the rest. */
const addToSetScript = `
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

type ScriptedRedis = (Redis | Cluster) & {
  incrementWithTtl(key: string, ttlMs: number, by: number): Promise<number>;
  addToSetWithTtl(key: string, member: string, ttlMs: number): Promise<number>;
};

export interface RedisStoreOptions {
  /** `redis://`, `rediss://`, or `redis-cluster://host:port,host:port` for a Redis Cluster. */
  readonly url: string;
  /** Prefixes every key, so several instances (or test runs) can share one Redis. */
  readonly keyPrefix?: string;
  /** Sends the commands issued in one event-loop tick as one pipeline (ioredis auto-pipelining). */
  readonly autoPipelining?: boolean;
}

export class RedisStore implements KeyValueStore {
  private readonly redis: ScriptedRedis;
  /** In a cluster, keys of one command must share a slot; the store's keys are spread on purpose. */
  private readonly clustered: boolean;

  constructor(options: RedisStoreOptions) {
    const target = parseRedisTarget(options.url);
    // Fail fast while Redis is down: no offline queue that would hold requests without bound,
    // and a per-command timeout for a server that accepts connections but stops answering.
    const perConnection = {
      commandTimeout: 1000,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
    } satisfies RedisOptions;
    // Keep reconnecting forever, at most every 2 s, so the service heals by itself.
    const retry = (attempt: number) => Math.min(attempt * 100, 2000);
    let redis: Redis | Cluster;
    if (target.kind === 'single') {
      redis = new Redis(target.url, {
        ...perConnection,
        keyPrefix: options.keyPrefix ?? '',
        enableAutoPipelining: options.autoPipelining ?? false,
        enableOfflineQueue: false,
        retryStrategy: retry,
      });
    } else {
      redis = new Cluster([...target.nodes], {
        keyPrefix: options.keyPrefix ?? '',
        enableAutoPipelining: options.autoPipelining ?? false,
        // Checked by the cluster client itself: a command for a slot whose node is not connected is
        // refused at once instead of queued.
        enableOfflineQueue: false,
        clusterRetryStrategy: retry,
        redisOptions: {
          ...perConnection,
          username: target.username,
          password: target.password,
          ...(target.tls ? { tls: {} } : {}),
        },
      } satisfies ClusterOptions);
    }
    // Connection errors surface through failed commands (as 503); the event only needs a listener.
    redis.on('error', () => {});
    // Each script touches one key, so it runs on that key's node in a cluster as well.
    redis.defineCommand('incrementWithTtl', { numberOfKeys: 1, lua: incrementScript });
    redis.defineCommand('addToSetWithTtl', { numberOfKeys: 1, lua: addToSetScript });
    this.redis = redis as ScriptedRedis;
    this.clustered = target.kind === 'cluster';
  }

  /** What the client reports: `ready` while commands can be served (`/metrics`, `/readyz` context). */
  get status(): string {
    return this.redis.status;
  }

  /** `redis` or `redis-cluster`, for logs and metrics. */
  get kind(): 'redis' | 'redis-cluster' {
    return this.clustered ? 'redis-cluster' : 'redis';
  }

  /** Resolves once connected, so a booting service does not answer its first requests with 503. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        reject(new StoreUnavailableError('kv', new Error('Redis not ready in time')));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.redis.once('ready', onReady);
    });
  }

  get(key: string) {
    return this.run(() => this.redis.get(key));
  }

  async set(key: string, value: string, ttlMs: number) {
    await this.run(() => this.redis.set(key, value, 'PX', ttlMs));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.run(() => this.redis.set(key, value, 'PX', ttlMs, 'NX'))) === 'OK';
  }

  delete(...keys: string[]) {
    if (keys.length === 0) return Promise.resolve(0);
    if (!this.clustered || keys.length === 1) return this.run(() => this.redis.del(...keys));
    // Keys of different slots cannot share a DEL in a cluster (CROSSSLOT). Callers count on the
    // total only (e.g. a user's sessions), never on the keys going at the same instant.
    return this.run(async () => {
      const counts = await Promise.all(keys.map((key) => this.redis.del(key)));
      return counts.reduce((sum, n) => sum + n, 0);
    });
  }

  increment(key: string, ttlMs: number, by = 1) {
    return this.run(() => this.redis.incrementWithTtl(key, ttlMs, by));
  }

  async addToSet(key: string, member: string, ttlMs: number) {
    await this.run(() => this.redis.addToSetWithTtl(key, member, ttlMs));
  }

  setMembers(key: string) {
    return this.run(() => this.redis.smembers(key));
  }

  async removeFromSet(key: string, ...members: string[]) {
    if (members.length) await this.run(() => this.redis.srem(key, ...members));
  }

  async ping() {
    await this.run(() => this.redis.ping());
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StoreUnavailableError('kv', error);
    }
  }
}
