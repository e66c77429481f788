import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../support/auth-flow.js';
import { mysqlThroughProxy, testDatabaseUrl, testRedisUrl } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../support/test-app.js';

const unavailable = { res: 0, err: '服务暂时不可用，请稍后再试', data: '' };

/**
 * A request that meets MySQL down answers 503, 服务暂时不可用: "try again". What it had already
 * done in Redis must not make the retry fail once MySQL is back: the SMS code the user typed must
 * still be live, and attempts that checked nothing must not count towards a lock.
 */
describe.runIf(testDatabaseUrl && testRedisUrl)('MySQL down in the middle of a login', () => {
  const target = new URL(testDatabaseUrl ?? 'mysql://127.0.0.1:3306/x');
  const proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
  let t: TestApp;

  beforeAll(async () => {
    await proxy.start();
    t = await startTestApp(mysqlThroughProxy(target, proxy, { poolSize: 2 }));
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
  });

  /** Runs `work` with MySQL unreachable, then brings it back. */
  async function whileMysqlIsDown(work: () => Promise<void>) {
    await proxy.stop();
    try {
      await work();
    } finally {
      await proxy.start();
    }
  }

  async function sendCode(phone: string) {
    const sent = await legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip: randomIp() });
    expect(sent.body.res).toBe(1);
    return t.sms.lastCodeFor(phone);
  }

  it('keeps the SMS code of a login that answered 503, so the retry logs in', async () => {
    const phone = randomPhone();
    const smscode = await sendCode(phone);
    const ip = randomIp();
    const login = () => legacyPost(t.app, '/index/api/loginphone', { phone, smscode }, 'json', { ip });
    // The deployed app retries; a right code retried through an outage spends none of its 5 tries.
    await whileMysqlIsDown(async () => {
      for (let i = 0; i < 6; i++) expect(await login()).toMatchObject({ status: 503, body: unavailable });
    });
    const retried = await login();
    expect(retried.body).toMatchObject({ res: 1, err: '' });
  });

  it('keeps the SMS code of a password reset that answered 503, so the retry resets', async () => {
    const { phone } = await loginBySms(t);
    t.clock.advance(61_000); // past the phone's one code a minute
    const code = await sendCode(phone);
    const reset = () =>
      t.app.inject({
        method: 'POST',
        url: '/trpc/auth.resetPassword',
        payload: { json: { phone, code, newPassword: 'brand-new-9' } },
        remoteAddress: randomIp(),
      });
    await whileMysqlIsDown(async () => {
      const refused = await reset();
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error.json.data.appCode).toBe('STORE_UNAVAILABLE');
    });
    expect((await reset()).statusCode).toBe(200);
    const login = await legacyPost(
      t.app,
      '/index/api/loginpassword',
      { phone, password: 'brand-new-9' },
      'json',
      { ip: randomIp() },
    );
    expect(login.body.res).toBe(1);
  });

  it('does not lock a phone whose password logins answered 503 while MySQL was down', async () => {
    const session = await loginBySms(t);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/trpc/auth.changePassword',
      headers: { authorization: `Bearer ${session.token}` },
      payload: { json: { newPassword: 'right-pass-1' } },
    });
    expect(changed.statusCode).toBe(200);
    const ip = randomIp();
    const login = () =>
      legacyPost(
        t.app,
        '/index/api/loginpassword',
        { phone: session.phone, password: 'right-pass-1' },
        'json',
        {
          ip,
        },
      );
    // The deployed app retries; five tries through an outage are the phone's whole failure cap.
    await whileMysqlIsDown(async () => {
      for (let i = 0; i < 6; i++) expect(await login()).toMatchObject({ status: 503, body: unavailable });
    });
    expect((await login()).body).toMatchObject({ res: 1, err: '' });
  });
});
