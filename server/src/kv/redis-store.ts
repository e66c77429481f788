import { Redis } from 'ioredis';
import { StoreUnavailableError } from '../errors.js';
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

type ScriptedRedis = Redis & {
  incrementWithTtl(key: string, ttlMs: number, by: number): Promise<number>;
  addToSetWithTtl(key: string, member: string, ttlMs: number): Promise<number>;
};

export interface RedisStoreOptions {
  readonly url: string;
  /** Prefixes every key, so several instances (or test runs) can share one Redis. */
  readonly keyPrefix?: string;
  /** Sends the commands issued in one event-loop tick as one pipeline (ioredis auto-pipelining). */
  readonly autoPipelining?: boolean;
}

export class RedisStore implements KeyValueStore {
  private readonly redis: ScriptedRedis;

  constructor(options: RedisStoreOptions) {
    const redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix ?? '',
      enableAutoPipelining: options.autoPipelining ?? false,
      // Fail fast while Redis is down: no offline queue that would hold requests without bound,
      // and a per-command timeout for a server that accepts connections but stops answering.
      enableOfflineQueue: false,
      commandTimeout: 1000,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
      // Keep reconnecting forever, at most every 2 s, so the service heals by itself.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    });
    // Connection errors surface through failed commands (as 503); the event only needs a listener.
    redis.on('error', () => {});
    redis.defineCommand('incrementWithTtl', { numberOfKeys: 1, lua: incrementScript });
    redis.defineCommand('addToSetWithTtl', { numberOfKeys: 1, lua: addToSetScript });
    this.redis = redis as ScriptedRedis;
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
    return keys.length ? this.run(() => this.redis.del(...keys)) : Promise.resolve(0);
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
