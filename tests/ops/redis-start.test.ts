import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openKeyValueStore } from '../../server/src/kv/open-store.js';
import { StartupError } from '../../server/src/startup-error.js';
import { testRedisClusterUrl, testRedisUrl } from '../support/backends.js';
import { failedStart } from '../support/processes.js';

/**
 * A loopback port nothing listens on, below the system's range of ports it hands out (32768 and
 * up): a port taken and given back was once taken again at once by another suite's Redis, and the
 * service meant to fail started on it and ran on.
 */
async function closedPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });
    if (refused) return port;
  }
}

/** Why opening the store failed (a StartupError), with how long it took. */
async function openingFailure(redisUrl: string, readyTimeoutMs = 1500) {
  const started = Date.now();
  const error = await openKeyValueStore({ redisUrl, redisTimeoutMs: 500 }, readyTimeoutMs).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(StartupError);
  return { message: (error as Error).message, ms: Date.now() - started };
}

describe('opening Redis at start', () => {
  it('says where it tried and why it failed, never with the password of the URL', async () => {
    const port = await closedPort();
    const single = await openingFailure(`redis://app:s3cretpw@127.0.0.1:${port}/2`);
    expect(single.message).toContain(`Redis 127.0.0.1:${port}/2`);
    expect(single.message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(single.message).not.toContain('s3cretpw');

    // A cluster client only says "Connection is closed."; each node is asked directly why.
    const other = await closedPort();
    const cluster = await openingFailure(`redis-cluster://app:s3cretpw@127.0.0.1:${port},127.0.0.1:${other}`);
    expect(cluster.message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(cluster.message).toContain(`ECONNREFUSED 127.0.0.1:${other}`);
    expect(cluster.message).not.toContain('s3cretpw');
  });

  it.runIf(testRedisUrl)(
    'refuses at once a database the server does not have, instead of carrying on in database 0',
    async () => {
      const url = new URL(testRedisUrl ?? '');
      url.pathname = '/99999';
      const { message, ms } = await openingFailure(url.toString(), 10_000);
      expect(message).toMatch(/DB index is out of range/);
      expect(ms).toBeLessThan(5000);
    },
  );

  it.runIf(testRedisClusterUrl)(
    'refuses a redis:// URL naming one node of a cluster, which would answer MOVED for most keys',
    async () => {
      const firstNode = (testRedisClusterUrl ?? '').replace(/^redis-cluster:\/\//, '').split(',')[0];
      const { message } = await openingFailure(`redis://${firstNode}/0`);
      expect(message).toMatch(/REDIS_URL.*redis-cluster:\/\//);
    },
  );

  it('stops the service with that reason on one line, not a stack', { timeout: 60_000 }, async () => {
    const port = await closedPort();
    const { code, errors } = await failedStart({ REDIS_URL: `redis://:s3cretpw@127.0.0.1:${port}/0` });
    expect(code).toBe(1);
    expect(errors).toBe(
      `failed to start: Redis 127.0.0.1:${port}/0 not ready within 10000 ms: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
