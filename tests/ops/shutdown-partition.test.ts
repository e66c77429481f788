import { afterAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/backends.js';
import { freePort, ServiceInstance } from '../support/instances.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/**
 * Instances are restarted most often when something is wrong, a store unreachable among others.
 * A SIGTERM then must still end the process at once and cleanly (exit 0) once it has closed
 * everything in order, not hang until the 10 s guard kills it with "shutdown took too long" and
 * exit 1, which a process manager counts as a crash and which holds every step of a rolling
 * restart 10 s longer.
 */
describe.runIf(testDatabaseUrl)('SIGTERM while MySQL does not answer (a network partition)', () => {
  const target = new URL(testDatabaseUrl ?? 'mysql://127.0.0.1:3306/x');
  const proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
  afterAll(async () => {
    proxy.heal();
    await proxy.stop();
  });

  it('closes in order and exits 0 promptly', { timeout: 120_000 }, async () => {
    await proxy.start();
    const url = new URL(target);
    url.host = `127.0.0.1:${proxy.port}`;
    const instance = new ServiceInstance('partition-shutdown', await freePort(), {
      DATABASE_URL: url.toString(),
      APP_SECRET: 'partition-shutdown-secret-0123456789-abcdefgh',
      LOG_LEVEL: 'info',
    });
    await instance.start();
    // Pooled connections open, as in a serving instance.
    await Promise.all(Array.from({ length: 4 }, () => fetch(`${instance.url}/index/goods/index`)));
    proxy.blackhole();
    const started = performance.now();
    expect(await instance.stop()).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(instance.output).toContain('"msg":"stopped"');
    expect(instance.output).not.toContain('shutdown took too long');
  });
});
