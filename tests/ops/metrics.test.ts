import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../server/src/app.js';
import { serveMetricsSeparately } from '../../server/src/ops/metrics.js';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends, embedded } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { uploadFile } from '../support/marketplace-flow.js';
import { sample } from '../support/prometheus.js';
import { samplePng } from '../support/sample-files.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../support/test-app.js';

const token = 'metrics-token-0123456789';

describe.each(backends)('/metrics ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { METRICS_TOKEN: token });
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const answer = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    return answer.body;
  };

  it('is refused without the bearer token', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-wrong-token', `Bearer ${token}x`, token]) {
      const answer = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization ? { authorization } : {},
      });
      expect(answer.statusCode).toBe(401);
      expect(answer.body).not.toContain('http_request_duration_seconds');
    }
  });

  it('counts a batch tRPC refuses as too large once, not once per name in its URL', async () => {
    const before = await scrape();
    const count = (text: string, route: string, status: string) =>
      sample(text, 'http_request_duration_seconds_count', { door: 'trpc', route, status }) ?? 0;
    const names = Array.from({ length: 600 }, () => 'user.me').join(',');
    const answer = await t.app.inject({ method: 'GET', url: `/trpc/${names}?batch=1&input={}` });
    expect(answer.statusCode).toBe(400);
    const after = await scrape();
    const status = String(answer.statusCode);
    expect(count(after, 'user.me', status) - count(before, 'user.me', status)).toBe(0);
    expect(count(after, '(unknown)', status) - count(before, '(unknown)', status)).toBe(1);
  });

  it('counts requests by door and route, never by raw URL, with status and latency', async () => {
    const before = await scrape();
    const count = (text: string, door: string, route: string, status: string) =>
      sample(text, 'http_request_duration_seconds_count', { door, route, status }) ?? 0;

    const session = await loginBySms(t);
    for (const url of ['/user/info/info', '/USER/Info/info.html', '/user/info/info/']) {
      const answer = await legacyPost(t.app, url, checkFields(session));
      expect(answer.body.res).toBe(1);
    }
    await legacyPost(t.app, '/user/info/no-such-route', checkFields(session));
    const typed = await t.app.inject({
      method: 'GET',
      url: '/trpc/user.me,user.me?batch=1&input={}',
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(typed.statusCode).toBe(200);
    await t.app.inject({ method: 'GET', url: '/trpc/no.such.procedure' });
    const fileUrl = await uploadFile(t, session, samplePng(), 'm.png');
    expect((await t.app.inject({ method: 'GET', url: fileUrl })).statusCode).toBe(200);
    // An id with letters: a digits-only one can turn up by chance inside a latency sum.
    await t.app.inject({ method: 'GET', url: '/nowhere/id-4f7q' });

    const after = await scrape();
    expect(
      count(after, 'legacy', '/user/info/info', '200') - count(before, 'legacy', '/user/info/info', '200'),
    ).toBe(3);
    expect(count(after, 'legacy', '(unknown)', '404')).toBeGreaterThanOrEqual(1);
    expect(count(after, 'trpc', 'user.me', '200') - count(before, 'trpc', 'user.me', '200')).toBe(2);
    expect(count(after, 'trpc', '(unknown)', '404')).toBeGreaterThanOrEqual(1);
    expect(count(after, 'http', '/uploads/*', '200')).toBeGreaterThanOrEqual(1);
    expect(count(after, 'http', '(unknown)', '404')).toBeGreaterThanOrEqual(1);
    expect(
      sample(after, 'http_request_duration_seconds_bucket', {
        door: 'legacy',
        route: '/user/info/info',
        status: '200',
        le: '+Inf',
      }),
    ).toBe(count(after, 'legacy', '/user/info/info', '200'));
    // No URL with an id or a file key, and no path the route table does not know, became a label.
    expect(after).not.toContain(fileUrl.slice('/uploads/'.length));
    expect(after).not.toContain('id-4f7q');
    expect(after).not.toContain('no-such-route');
    expect(after).not.toContain('no.such.procedure');
  });

  it('counts SMS sent and refused, failed logins and uploaded bytes', async () => {
    const before = await scrape();
    const delta = (after: string, name: string, labels: Record<string, string> = {}) =>
      (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);

    const phone = randomPhone();
    const ip = randomIp();
    expect((await legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip })).body.res).toBe(1);
    expect((await legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip })).body.res).toBe(0);
    const session = await loginBySms(t);
    const wrong = await legacyPost(
      t.app,
      '/index/api/loginpassword',
      { phone: session.phone, password: 'not-the-password' },
      'json',
      { ip: randomIp() },
    );
    expect(wrong.body.res).toBe(0);
    const png = samplePng(30, 20);
    await uploadFile(t, session, png, 'bytes.png');

    const after = await scrape();
    expect(delta(after, 'sms_sent_total')).toBe(2);
    expect(delta(after, 'sms_refused_total', { rule: 'phone' })).toBe(1);
    expect(delta(after, 'sms_refused_total', { rule: 'ip' })).toBe(0);
    expect(delta(after, 'logins_failed_total', { method: 'password', reason: 'wrong' })).toBe(1);
    expect(delta(after, 'uploads_total', { kind: 'image' })).toBe(1);
    expect(delta(after, 'uploads_bytes_total', { kind: 'image' })).toBe(png.length);
  });

  it('shows the stores: the key-value store up, and the MySQL pool', async () => {
    const text = await scrape();
    const store =
      backend.name === 'embedded' ? 'memory' : backend.name.endsWith('cluster') ? 'redis-cluster' : 'redis';
    expect(sample(text, 'kv_up', { store })).toBe(1);
    if (backend.name === 'embedded') {
      expect(sample(text, 'db_pool_waiting')).toBeUndefined();
    } else {
      expect(sample(text, 'db_pool_connections', { state: 'limit' })).toBe(5);
      expect(sample(text, 'db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'db_pool_waiting')).toBe(0);
    }
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('/metrics when not configured, and on a listen address of its own', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(embedded);
  });
  afterAll(() => t.close());

  it('is not served at all without METRICS_TOKEN or METRICS_PORT', async () => {
    const answer = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.statusCode).toBe(404);
  });

  it('serves the instance metrics without a token on the separate address only', async () => {
    const metrics = await createMetrics({ database: t.stores.database, kv: t.stores.kv });
    const server = await serveMetricsSeparately(metrics, { host: '127.0.0.1', port: 0 });
    try {
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const answer = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(answer.status).toBe(200);
      expect(sample(await answer.text(), 'kv_up', { store: 'memory' })).toBe(1);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
