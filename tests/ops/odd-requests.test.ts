import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedded } from '../support/backends.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Answers that are not a route's: a bare OPTIONS, a path Fastify cannot decode. Transport only, one backend. */
describe.each([
  { origins: '*', origin: 'http://app.example', allowed: '*' },
  {
    origins: 'https://app.example.cn,https://admin.example.cn',
    origin: 'https://app.example.cn',
    allowed: 'https://app.example.cn',
  },
])('requests outside the routes (CORS_ORIGIN=$origins)', ({ origins, origin, allowed }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(embedded, { CORS_ORIGIN: origins });
  });
  afterAll(() => t.close());

  it('answers an OPTIONS without preflight headers as a preflight: 204 with the CORS headers, on any path form', async () => {
    for (const url of ['/index/api/sms', '/User/Goods/Index.html', '/user/bill_log/add/', '/nowhere']) {
      for (const headers of [{}, { origin }, { 'access-control-request-method': 'POST' }]) {
        const what = `${url} ${JSON.stringify(headers)}`;
        const answer = await t.app.inject({ method: 'OPTIONS', url, headers });
        expect(answer.statusCode, what).toBe(204);
        expect(answer.body, what).toBe('');
        expect(String(answer.headers['access-control-allow-methods']), what).toBe('GET, POST, OPTIONS');
        if (headers.origin || origins === '*') {
          expect(answer.headers['access-control-allow-origin'], what).toBe(allowed);
        }
        expect(answer.headers['x-content-type-options'], what).toBe('nosniff');
      }
    }
    // A browser's preflight is answered as before.
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/index/api/loginpassword',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(allowed);
  });

  it('answers a path it cannot decode with the envelope and the headers of every answer, never echoing the URL', async () => {
    for (const url of [
      '/user/info/info%?token_check=tok-secret-1',
      '/index/api/sms%zz?password=pw-secret-2',
    ]) {
      const answer = await t.app.inject({
        method: 'GET',
        url,
        headers: { origin, 'x-request-id': 'bad-url-1' },
      });
      expect(answer.statusCode, url).toBe(400);
      expect(answer.json(), url).toEqual({ res: 0, err: '请求格式错误', data: '' });
      expect(answer.headers['access-control-allow-origin'], url).toBe(allowed);
      expect(answer.headers['x-request-id'], url).toBe('bad-url-1');
      expect(answer.headers['x-content-type-options'], url).toBe('nosniff');
      expect(answer.body).not.toMatch(/secret/);
    }
    // The access line is written as for any request, by path only.
    const lines = t.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.reqId === 'bad-url-1' && line.msg === 'request');
    expect(lines.map((line) => line.path)).toEqual(['/user/info/info%', '/index/api/sms%zz']);
    expect(t.logLines.join('')).not.toMatch(/secret/);
  });
});
