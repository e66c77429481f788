import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/database.js';
import { openKeyValueStore } from '../../server/src/kv/open-store.js';
import { testDatabaseUrl, testRedisUrl } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { recordingLog } from '../support/recording-log.js';
import { canStartRedisCluster, RedisCluster } from '../support/redis-cluster.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const clusterHere = Boolean(testRedisUrl) && (await canStartRedisCluster());

/** The store behind `proxy`: `stop` it and requests fail; `start` it again and they succeed. */
async function proxyTo(url: string): Promise<TcpProxy> {
  const target = new URL(url);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 0));
  await proxy.start();
  return proxy;
}

/**
 * Asks once, cuts the store behind `proxy`, asks three times (each refused), then brings it back
 * and asks until it answers.
 */
async function acrossAnOutage(proxy: TcpProxy, ask: () => Promise<unknown>, refusal?: string) {
  await ask();
  await proxy.stop();
  for (let i = 0; i < 3; i++) await expect(ask()).rejects.toThrow(refusal);
  await proxy.start();
  await eventually(
    () =>
      ask().then(
        () => true,
        () => false,
      ),
    (answered) => answered,
  );
}

/*
 * While a store is down every request that needs it answers 503, and the access lines said only
 * that: the log now says when it went, why, and when it came back, one line each.
 */
describe('the log during a store outage', () => {
  const closing: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const close of closing) await close();
  });

  it.runIf(testRedisUrl)('says once that Redis went and why, and once that it is back', async () => {
    const proxy = await proxyTo(testRedisUrl as string);
    const { lines, log } = recordingLog();
    const url = new URL(testRedisUrl as string);
    url.host = `127.0.0.1:${proxy.port}`;
    // Opened as the service opens it, with its log.
    const store = await openKeyValueStore({ redisUrl: url.toString(), redisTimeoutMs: 300 }, 5000, log);
    closing.push(
      () => store.close(),
      () => proxy.stop(),
    );
    await acrossAnOutage(proxy, () => store.get('outage-log:a'), 'kv unavailable');
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [40, 'Redis unavailable: requests that need it answer 503'],
      [30, 'Redis answers again'],
    ]);
    expect(lines[0]?.reason).toBeTruthy();
  });

  it.runIf(clusterHere)(
    'says once that a Redis Cluster went, while its other masters answer, and once that every slot is back',
    { timeout: 90_000 },
    async () => {
      const cluster = await RedisCluster.create(3);
      closing.push(() => cluster.destroy());
      const { lines, log } = recordingLog();
      const store = await openKeyValueStore({ redisUrl: cluster.url, redisTimeoutMs: 300 }, 10_000, log);
      closing.push(() => store.close());
      /** Writes 30 keys spread over the slots; answers how many were written. */
      const writeAll = async () => {
        const writes = Array.from({ length: 30 }, (_, i) => store.set(`outage-log:${i}`, 'x', 60_000));
        return (await Promise.allSettled(writes)).filter((write) => write.status === 'fulfilled').length;
      };
      expect(await writeAll()).toBe(30);

      await cluster.stopNode(1);
      // Rounds in which the other masters answer and the stopped one's keys fail.
      for (let round = 0; round < 5; round++) {
        const written = await writeAll();
        expect(written).toBeGreaterThan(0);
        expect(written).toBeLessThan(30);
      }
      await cluster.start();
      await eventually(writeAll, (written) => written === 30, 20_000);
      await eventually(
        async () => lines.length,
        (count) => count >= 2,
      );
      expect(lines.map((line) => [line.level, line.msg])).toEqual([
        [40, 'Redis unavailable: requests that need it answer 503'],
        [30, 'Redis answers again'],
      ]);
    },
  );

  it.runIf(testDatabaseUrl)('says once that MySQL went and why, and once that it is back', async () => {
    const proxy = await proxyTo(testDatabaseUrl as string);
    const { lines, log } = recordingLog();
    const url = new URL(testDatabaseUrl as string);
    url.host = `127.0.0.1:${proxy.port}`;
    const database = openDatabase({
      url: url.toString(),
      dataDir: tmpdir(),
      poolSize: 2,
      limits: { statementTimeoutMs: 500, timeoutMs: 1000 },
      log,
    });
    closing.push(
      () => database.close(),
      () => proxy.stop(),
    );
    await acrossAnOutage(proxy, () => sql`select 1 as one`.execute(database.db));
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [40, 'MySQL unavailable: requests that need it answer 503'],
      [30, 'MySQL answers again'],
    ]);
    expect(lines[0]?.reason).toBeTruthy();
  });

  it.runIf(testDatabaseUrl)('tells no outage for one connection the server closed', async () => {
    const { lines, log } = recordingLog();
    const database = openDatabase({
      url: testDatabaseUrl,
      dataDir: tmpdir(),
      poolSize: 1,
      limits: { statementTimeoutMs: 500, timeoutMs: 1000 },
      log,
    });
    closing.push(() => database.close());
    const idOf = async () =>
      Number((await sql<{ id: number }>`select connection_id() as id`.execute(database.db)).rows[0]?.id);
    const killed = await idOf();
    // An operator's KILL, or the server's wait_timeout, while the connection sits in the pool.
    await sql`kill ${sql.raw(String(killed))}`.execute(database.db).catch(() => undefined);
    await eventually(
      () => idOf().catch(() => killed),
      (id) => id !== killed,
    );
    expect(lines).toEqual([]);
  });
});
