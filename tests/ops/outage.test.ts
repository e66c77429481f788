import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/database.js';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { embedded, openRedis, testDatabaseUrl, testRedisUrl } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { eventually, TcpProxy } from '../support/tcp-proxy.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../support/test-app.js';

const unavailable = { res: 0, err: '服务暂时不可用，请稍后再试', data: '' };

describe.runIf(testRedisUrl)('Redis outage', () => {
  const target = new URL(testRedisUrl ?? 'redis://127.0.0.1:6379');
  const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
  let t: TestApp;

  beforeAll(async () => {
    await proxy.start();
    t = await startTestApp({
      name: 'embedded',
      async open(clock) {
        const stores = await embedded.open(clock);
        const kv = await openRedis(`redis://127.0.0.1:${proxy.port}${target.pathname}`);
        return { ...stores, kv, close: async () => Promise.all([kv.close(), stores.close()]).then(() => {}) };
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
  });

  it('answers 503 while Redis is down, never success or anonymous access, and recovers by itself', async () => {
    const session = await loginBySms(t);
    expect((await legacyPost(t.app, '/user/info/info', checkFields(session))).body.res).toBe(1);

    await proxy.stop();
    const info = await legacyPost(t.app, '/user/info/info', checkFields(session));
    expect(info).toMatchObject({ status: 503, body: unavailable });
    const sms = await legacyPost(t.app, '/index/api/sms', { phone: randomPhone() }, 'json', {
      ip: randomIp(),
    });
    expect(sms).toMatchObject({ status: 503, body: unavailable });
    const typed = await t.app.inject({
      method: 'GET',
      url: '/trpc/user.me',
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(typed.statusCode).toBe(503);
    expect(typed.json().error.json.data.appCode).toBe('STORE_UNAVAILABLE');
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    await proxy.start();
    const recovered = await eventually(
      () => legacyPost(t.app, '/user/info/info', checkFields(session)),
      (answer) => answer.status === 200,
    );
    expect(recovered.body.res).toBe(1);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});

describe.runIf(testDatabaseUrl)('MySQL outage', () => {
  const target = new URL(testDatabaseUrl ?? 'mysql://127.0.0.1:3306/x');
  const proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
  let t: TestApp;

  beforeAll(async () => {
    await proxy.start();
    const viaProxy = new URL(target);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    t = await startTestApp({
      name: 'mysql+redis',
      async open() {
        const database = openDatabase({ url: viaProxy.toString(), dataDir: tmpdir(), poolSize: 2 });
        const kv = await openRedis(testRedisUrl ?? 'redis://127.0.0.1:6379');
        return {
          database,
          kv,
          close: async () => Promise.all([kv.close(), database.close()]).then(() => {}),
        };
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
  });

  it('answers 503 while MySQL is down and recovers by itself', async () => {
    const session = await loginBySms(t);
    await proxy.stop();
    const info = await legacyPost(t.app, '/user/info/info', checkFields(session));
    expect(info).toMatchObject({ status: 503, body: unavailable });
    const login = await legacyPost(
      t.app,
      '/index/api/loginpassword',
      { phone: session.phone, password: 'whatever1' },
      'json',
      {
        ip: randomIp(),
      },
    );
    expect(login).toMatchObject({ status: 503, body: unavailable });

    await proxy.start();
    const recovered = await eventually(
      () => legacyPost(t.app, '/user/info/info', checkFields(session)),
      (answer) => answer.status === 200,
    );
    expect(recovered.body.res).toBe(1);
  });
});
