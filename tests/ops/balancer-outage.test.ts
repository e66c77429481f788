import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/src/db/database.js';
import { testDatabaseUrl } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { freePort, Haproxy, ServiceInstance, SmsInbox } from '../support/instances.js';
import { randomPhone } from '../support/test-app.js';

const haproxyHere = await Haproxy.available();
const unavailable = { res: 0, err: '服务暂时不可用，请稍后再试', data: '' };

/** A redis-server of this test's own, on a free port, without persistence: killed and started again. */
class OwnRedis {
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    await eventually(
      () =>
        new Promise<boolean>((resolve) => {
          const probe = spawn('redis-cli', ['-p', String(this.port), 'ping'], { stdio: 'ignore' });
          probe.once('exit', (code) => resolve(code === 0));
        }),
      (up) => up,
    );
  }

  /** Like a crash: SIGKILL, and resolves once it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * deploy/haproxy.cfg in front of two instances sharing MySQL and a Redis that goes away. Every
 * instance turns unready at once (Redis is theirs in common), yet the deployed client must still
 * get the legacy envelope (CONTRACT.md §2: 503 "still with the envelope", with the CORS header a
 * browser needs to read it), never the balancer's own HTML page, and be served again as soon as
 * Redis is back.
 */
describe.runIf(testDatabaseUrl && haproxyHere)('a shared store down behind HAProxy', () => {
  const inbox = new SmsInbox();
  let redis: OwnRedis;
  let admin: Database;
  let databaseName: string;
  let a: ServiceInstance;
  let b: ServiceInstance;
  let balancer: Haproxy;

  beforeAll(async () => {
    await inbox.start();
    redis = new OwnRedis(await freePort());
    await redis.start();
    const url = new URL(testDatabaseUrl as string);
    databaseName = `svc_review_lb_${randomBytes(5).toString('hex')}`;
    admin = openDatabase({ url: url.toString(), dataDir: tmpdir(), poolSize: 1 });
    await sql
      .raw(`create database ${databaseName} character set utf8mb4 collate utf8mb4_unicode_ci`)
      .execute(admin.db);
    url.pathname = `/${databaseName}`;
    const env = {
      DATABASE_URL: url.toString(),
      REDIS_URL: `redis://127.0.0.1:${redis.port}/0`,
      APP_SECRET: `shared-${randomBytes(24).toString('hex')}`,
      SMS_PROVIDER: 'webhook',
      SMS_WEBHOOK_URL: inbox.url,
      TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    const [portA, portB, front, stats] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    a = new ServiceInstance('lb-a', portA, env);
    b = new ServiceInstance('lb-b', portB, env);
    await Promise.all([a.start(), b.start()]);
    balancer = new Haproxy(
      { front, stats },
      { INSTANCE_A: `127.0.0.1:${portA}`, INSTANCE_B: `127.0.0.1:${portB}` },
      '300ms',
    );
    await balancer.start();
    await balancer.waitFor('a', 'UP');
    await balancer.waitFor('b', 'UP');
  }, 240_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.kill();
    await inbox.stop();
    if (admin) {
      await sql.raw(`drop database if exists ${databaseName}`).execute(admin.db);
      await admin.close();
    }
  });

  const sms = (phone: string) =>
    fetch(`${balancer.url}/index/api/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example.cn' },
      body: JSON.stringify({ phone }),
    });

  it('answers the envelope 503 while Redis is down, and serves again as soon as it is back', {
    timeout: 120_000,
  }, async () => {
    expect(await (await sms(randomPhone())).json()).toMatchObject({ res: 1 });

    await redis.kill();
    // Both instances tell the truth: not ready. The balancer takes both out of rotation.
    await balancer.waitFor('a', 'DOWN');
    await balancer.waitFor('b', 'DOWN');
    for (const instance of [a, b]) expect((await fetch(`${instance.url}/readyz`)).status).toBe(503);

    for (let i = 0; i < 4; i++) {
      const answer = await sms(randomPhone());
      expect(answer.status).toBe(503);
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(await answer.json()).toEqual(unavailable);
    }

    await redis.start();
    const started = Date.now();
    const back = await eventually(
      async () => (await sms(randomPhone())).json() as Promise<{ res: number }>,
      (body) => body.res === 1,
      20_000,
    );
    expect(back.res).toBe(1);
    // Served again within about the Redis client's reconnect interval, not only once the balancer's
    // checks have brought the instances back.
    expect(Date.now() - started).toBeLessThan(3_000);
    await balancer.waitFor('a', 'UP');
    await balancer.waitFor('b', 'UP');
  });
});
