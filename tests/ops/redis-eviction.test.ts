import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../server/src/kv/redis-store.js';
import { eventually } from '../support/eventually.js';
import { freePort, ServiceInstance } from '../support/instances.js';

/** A redis-server of this test's own on a free port, with the given settings, stopped at the end. */
async function ownRedis(settings: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...settings],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}/0`;
  const store = new RedisStore({ url });
  try {
    await eventually(
      () =>
        store.waitUntilReady(500).then(
          () => true,
          () => false,
        ),
      (ready) => ready,
    );
  } finally {
    await store.close();
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Every key the service writes has a TTL, so a Redis that evicts (`maxmemory` with any policy but
 * `noeviction`, `volatile-lru` being a managed Redis's usual default) may drop a login-failure or
 * SMS counter under memory pressure: the limit then stops limiting, with no error anywhere. The
 * service cannot prevent it, but must say so when it starts, as it does for other settings that
 * make it quietly wrong.
 */
describe('a Redis that may evict the service keys', () => {
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it('is named by the store; one that never evicts is not', async () => {
    const evicting = await ownRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'volatile-lru']);
    stops.push(evicting.stop);
    const safe = await ownRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'noeviction']);
    stops.push(safe.stop);
    const unlimited = await ownRedis([]);
    stops.push(unlimited.stop);
    const policyOf = async (url: string) => {
      const store = new RedisStore({ url });
      try {
        await store.waitUntilReady(5000);
        return await store.evictionPolicy();
      } finally {
        await store.close();
      }
    };
    expect(await policyOf(evicting.url)).toBe('volatile-lru');
    expect(await policyOf(safe.url)).toBeUndefined();
    expect(await policyOf(unlimited.url)).toBeUndefined();
  });

  it('makes the service warn as it starts', { timeout: 120_000 }, async () => {
    const evicting = await ownRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
    stops.push(evicting.stop);
    const instance = new ServiceInstance('review-eviction', await freePort(), {
      REDIS_URL: evicting.url,
      APP_SECRET: 'review-eviction-secret-0123456789-abcdefgh',
      LOG_LEVEL: 'info',
    });
    await instance.start();
    expect(await instance.stop()).toBe(0);
    expect(instance.output).toMatch(/"level":40[^\n]*maxmemory-policy allkeys-lru/);
  });
});
