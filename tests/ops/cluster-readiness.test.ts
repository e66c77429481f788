import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, embedded, openRedis, testRedisUrl } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { sample } from '../support/prometheus.js';
import { canStartRedisCluster, RedisCluster } from '../support/redis-cluster.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The embedded database with a store on `url`, under the service's own Redis time limit. */
const embeddedWithRedis = (url: string): Backend => ({
  name: 'embedded',
  async open(clock) {
    const base = await embedded.open(clock);
    const kv = await openRedis(url, 500);
    return {
      database: base.database,
      kv,
      async close() {
        await kv.close();
        await base.close();
      },
    };
  },
});

const metricsToken = 'metrics-token-0123456789';
const clusterHere = Boolean(testRedisUrl) && (await canStartRedisCluster());

/**
 * A cluster of its own (the shared one must stay whole for the other files): one master is stopped
 * and started again. Without replicas its slots have no one to serve them while it is down.
 */
describe.runIf(clusterHere)('/readyz on a Redis Cluster', { timeout: 90_000 }, () => {
  let cluster: RedisCluster;
  let t: TestApp;
  beforeAll(async () => {
    cluster = await RedisCluster.create(3);
    t = await startTestApp(embeddedWithRedis(cluster.url), { METRICS_TOKEN: metricsToken });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await cluster?.destroy();
  });

  const readiness = async () => {
    const answer = await t.app.inject({ method: 'GET', url: '/readyz' });
    return { status: answer.statusCode, body: answer.json() as Record<string, unknown> };
  };

  /** `kv_up` as Prometheus scrapes it: it said 1 all along, the cluster client being connected. */
  const kvUp = async () => {
    const answer = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    return sample(answer.body, 'kv_up', { store: 'redis-cluster' });
  };

  /** How many of 30 keys, spread over the slots, can be written now. */
  const writable = async () => {
    const writes = Array.from({ length: 30 }, (_, i) => t.stores.kv.set(`readiness:${i}`, 'x', 60_000));
    return (await Promise.allSettled(writes)).filter((write) => write.status === 'fulfilled').length;
  };

  it('is not ready while a master is down, and ready again once it is back', async () => {
    expect(await readiness()).toEqual({
      status: 200,
      body: { status: 'ready', database: 'ok', kv: 'ok' },
    });

    expect(await writable()).toBe(30);
    expect(await kvUp()).toBe(1);

    await cluster.stopNode(1);
    await eventually(readiness, (answer) => answer.status === 503, 10_000);
    // What readiness says is what requests meet: the keys of that master's slots fail.
    expect(await writable()).toBeLessThan(30);
    // Not one lucky answer: a PING reaching one of the masters left answered "ok" before.
    for (let probe = 0; probe < 8; probe++) {
      expect(await readiness()).toEqual({
        status: 503,
        body: { status: 'unavailable', database: 'ok', kv: 'down' },
      });
    }
    expect(await kvUp()).toBe(0);

    await cluster.start();
    await eventually(readiness, (answer) => answer.status === 200, 20_000);
    expect(await writable()).toBe(30);
    expect(await kvUp()).toBe(1);
  });
});
