import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../errors.js';
import type { OutageLog } from '../outage-log.js';
import { checkClusterServesEverySlot, waitUntilReady } from './redis-readiness.js';
import { parseRedisTarget, type RedisTarget } from './redis-target.js';
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

/**
 * A sorted set of members scored by the moment they were added: those older than the window go,
 * then the member is added unless the limit is reached. ARGV: at, windowMs, limit, member. Answers
 * 0 when added, else the milliseconds until one more would be.
 */
const addWithinWindowScript = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then
  -- Room comes when the member \`limit\` places from the newest leaves the window.
  local leaving = redis.call('ZRANGE', KEYS[1], count - tonumber(ARGV[3]), count - tonumber(ARGV[3]), 'WITHSCORES')
  return math.max(1, tonumber(leaving[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1]))
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0`;

type ScriptedRedis = (Redis | Cluster) & {
  incrementWithTtl(key: string, ttlMs: number, by: number): Promise<number>;
  addToSetWithTtl(key: string, member: string, ttlMs: number): Promise<number>;
  addWithinWindow(key: string, at: number, windowMs: number, limit: number, member: string): Promise<number>;
};

export interface RedisStoreOptions {
  /** `redis://`, `rediss://`, or `redis-cluster://host:port,host:port` for a Redis Cluster. */
  readonly url: string;
  /** Prefixes every key, so several instances (or test runs) can share one Redis. */
  readonly keyPrefix?: string;
  /** Sends the commands issued in one event-loop tick as one pipeline (ioredis auto-pipelining). */
  readonly autoPipelining?: boolean;
  /** Longest a command waits for its answer (config `REDIS_TIMEOUT_MS`). */
  readonly timeoutMs?: number;
  /** Where outages are told, as they begin and end. */
  readonly outages?: OutageLog;
}

/**
 * ioredis settings that bound every wait of a request on Redis by `timeoutMs`, also when Redis
 * accepts connections but never answers (a network partition), and heal by themselves. Per
 * connection (a single node's, or each cluster node's):
 * - `commandTimeout`: a command written to a connection that does not answer fails in time;
 * - `socketTimeout`: a connection that owes answers and stays silent that long is closed (and
 *   reconnected), so later commands are not written behind the unanswered ones on a dead socket;
 *   the ready check of a new connection is bounded by it too;
 * - `maxRetriesPerRequest: 0`: a command whose connection closed fails at once, rather than being
 *   sent again after the reconnect, when its request has long answered 503.
 * Besides: no offline queue (while not connected a command fails at once instead of waiting for a
 * reconnect that may never come), and reconnect attempts at most `timeoutMs` apart, so the service
 * is back within about that long after Redis is.
 */
function perConnectionOptions(timeoutMs: number) {
  return {
    commandTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
  } satisfies RedisOptions;
}

const retryAtMost = (timeoutMs: number) => (attempt: number) => Math.min(attempt * 50, timeoutMs);

export class RedisStore implements KeyValueStore {
  private readonly redis: ScriptedRedis;
  private readonly target: RedisTarget;
  /** In a cluster, keys of one command must share a slot; the store's keys are spread on purpose. */
  private readonly clustered: boolean;

  private readonly outages: OutageLog | undefined;
  /** Whether a check that the cluster serves every slot again is on its way (answered). */
  private checkingRecovery = false;

  constructor(options: RedisStoreOptions) {
    this.outages = options.outages;
    const target = parseRedisTarget(options.url);
    this.target = target;
    // Fail fast while Redis is down or silent, and heal by itself (see perConnectionOptions).
    const timeoutMs = options.timeoutMs ?? 500;
    const perConnection = perConnectionOptions(timeoutMs);
    const retry = retryAtMost(timeoutMs);
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
    redis.defineCommand('addWithinWindow', { numberOfKeys: 1, lua: addWithinWindowScript });
    this.redis = redis as ScriptedRedis;
    this.clustered = target.kind === 'cluster';
  }

  /** What the client reports: `ready` while connected (`/readyz` and `kv_up` in /metrics ask more, see ping). */
  get status(): string {
    return this.redis.status;
  }

  /** `redis` or `redis-cluster`, for logs and metrics. */
  get kind(): 'redis' | 'redis-cluster' {
    return this.clustered ? 'redis-cluster' : 'redis';
  }

  /**
   * Resolves once connected, so a booting service does not answer its first requests with 503;
   * rejects saying why not (see redis-readiness.ts).
   */
  waitUntilReady(timeoutMs: number): Promise<void> {
    return waitUntilReady(this.redis, this.target, timeoutMs);
  }

  /**
   * Whether the server behind a `redis://` URL is a node of a Redis Cluster: it would answer MOVED
   * for every key of the other nodes' slots, so most requests would fail.
   */
  async isClusterNode(): Promise<boolean> {
    if (this.clustered) return false;
    // A server or proxy that does not answer INFO this way is not taken for a cluster node.
    const info = await (this.redis as Redis).info('cluster').catch(() => '');
    return /^cluster_enabled:1\b/m.test(info);
  }

  /**
   * The eviction policy of a server behind the store that may evict keys (`maxmemory` set, any
   * policy but `noeviction`), or undefined. Every key the store writes has a TTL, so `volatile-*`
   * policies drop them as readily as `allkeys-*`: a login-failure or SMS counter evicted under
   * memory pressure stops limiting, a session evicted logs its user out, all without an error.
   * With `noeviction` a full Redis refuses writes instead, and requests answer 503. Read from
   * `INFO memory`, which managed services that disable CONFIG still answer.
   */
  async evictionPolicy(): Promise<string | undefined> {
    const servers = this.clustered ? (this.redis as Cluster).nodes('master') : [this.redis as Redis];
    for (const server of servers) {
      const info = await this.run(() => server.info('memory'));
      const maxmemory = Number(/^maxmemory:(\d+)/m.exec(info)?.[1] ?? 0);
      const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? 'noeviction';
      if (maxmemory > 0 && policy !== 'noeviction') return policy;
    }
    return undefined;
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

  addWithinWindow(key: string, member: string, at: number, windowMs: number, limit: number) {
    return this.run(() => this.redis.addWithinWindow(key, at, windowMs, limit, member));
  }

  countSince(key: string, since: number) {
    return this.run(() => this.redis.zcount(key, `(${since}`, '+inf'));
  }

  async removeFromLog(key: string, member: string) {
    await this.run(() => this.redis.zrem(key, member));
  }

  /** Readiness: a single server answers PING; a cluster must be able to serve every slot. */
  async ping() {
    if (this.clustered) await this.run(() => checkClusterServesEverySlot(this.redis as Cluster));
    else await this.run(() => this.redis.ping());
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /**
   * One answer ends a single Redis's outage. In a cluster it says only that its own node answers:
   * with one master down, the others' answers ended the outage in the log and the next failure began
   * it again, a pair of lines every few requests. There it ends once every slot is served again, as
   * /readyz asks, checked by one request at a time.
   */
  private answered(): void {
    if (!this.outages?.isDown) return;
    if (!this.clustered) {
      this.outages.answered();
      return;
    }
    if (this.checkingRecovery) return;
    this.checkingRecovery = true;
    checkClusterServesEverySlot(this.redis as Cluster)
      .then(
        () => this.outages?.answered(),
        () => undefined,
      )
      .finally(() => {
        this.checkingRecovery = false;
      });
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      const answer = await command();
      this.answered();
      return answer;
    } catch (error) {
      this.outages?.failed(error);
      // Refused without a connection (no offline queue), the command was never sent; any other
      // failure (a timeout, a connection closed) may come after Redis ran it.
      const notSent = /enableOfflineQueue/.test(String((error as Error | null)?.message));
      throw new StoreUnavailableError('kv', error, notSent);
    }
  }
}
