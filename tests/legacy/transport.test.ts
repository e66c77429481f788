import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFormFields } from '../../server/src/legacy/body.js';
import { canonicalPath } from '../../server/src/legacy/route.js';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../support/test-app.js';

describe('legacy path and form parsing', () => {
  it('canonicalises case, trailing slashes and .html', () => {
    expect(canonicalPath('/User/Goods/Index')).toBe('/user/goods/index');
    expect(canonicalPath('/user/bill_log/add/')).toBe('/user/bill_log/add');
    expect(canonicalPath('/index/api/sms.html?phone=1')).toBe('/index/api/sms');
    expect(canonicalPath('/Index/Api/LoginPhone.HTML/')).toBe('/index/api/loginphone');
  });

  it('nests bracket fields and collects repeated keys into arrays', () => {
    expect(
      parseFormFields(
        'hehuo[0][hehuoren_name]=%E5%BC%A0%E4%B8%89&hehuo[0][hehuoren_code]=1&hehuo[1][hehuoren_name]=b&a[]=1&a[]=2&x=1&x=2',
      ),
    ).toEqual({
      hehuo: [{ hehuoren_name: '张三', hehuoren_code: '1' }, { hehuoren_name: 'b' }],
      a: ['1', '2'],
      x: ['1', '2'],
    });
    expect(parseFormFields('__proto__[polluted]=1')).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe.each(backends)('legacy transport ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { CORS_ORIGIN: '*' });
  });
  afterAll(() => t.close());

  it('accepts any letter case, a trailing slash and .html on a route', async () => {
    const session = await loginBySms(t);
    for (const path of [
      '/User/Info/Info',
      '/user/info/info/',
      '/user/info/info.html',
      '/USER/INFO/INFO.html/',
    ]) {
      const answer = await legacyPost(t.app, path, checkFields(session));
      expect(answer.body.res, path).toBe(1);
    }
  });

  it('merges query string and body, the body winning', async () => {
    const session = await loginBySms(t);
    const response = await t.app.inject({
      method: 'POST',
      url: `/user/info/info?user_id_check=${session.userId}&token_check=wrong`,
      payload: { token_check: session.token },
    });
    expect(response.json().res).toBe(1);
    const tokenOnlyInQuery = await t.app.inject({
      method: 'POST',
      url: `/user/info/info?token_check=${session.token}`,
      payload: { user_id_check: session.userId },
    });
    expect(tokenOnlyInQuery.json().res).toBe(1);
  });

  it('takes numbers as numbers or strings', async () => {
    const session = await loginBySms(t);
    const answer = await legacyPost(t.app, '/user/info/info', {
      user_id_check: session.userId,
      token_check: session.token,
    });
    expect(answer.body.res).toBe(1);
  });

  it('answers unknown paths with 404 and the envelope', async () => {
    for (const url of ['/user/nothing/here', '/index/api/nope', '/elsewhere']) {
      const response = await t.app.inject({ method: 'POST', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toEqual({ res: 0, err: '接口不存在', data: '' });
    }
  });

  it('answers a body over the limit with 413 and the envelope', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/index/api/sms',
      payload: JSON.stringify({ phone: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ res: 0, err: '请求内容过大', data: '' });
  });

  it('answers malformed JSON and unknown body types with the envelope', async () => {
    const broken = await t.app.inject({
      method: 'POST',
      url: '/index/api/sms',
      payload: '{"phone":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual({ res: 0, err: '请求格式错误', data: '' });
    const xml = await t.app.inject({
      method: 'POST',
      url: '/index/api/sms',
      payload: '<phone/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().res).toBe(0);
  });

  it('treats an empty JSON body as no fields', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/index/api/sms',
      payload: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.json()).toEqual({ res: 0, err: '手机号码不能为空', data: '' });
  });

  it('sends CORS headers on answers and errors, and answers preflight', async () => {
    const answer = await t.app.inject({
      method: 'POST',
      url: '/index/api/sms',
      payload: { phone: randomPhone() },
      headers: { origin: 'http://app.example' },
      remoteAddress: randomIp(),
    });
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    const missing = await t.app.inject({
      method: 'GET',
      url: '/nope',
      headers: { origin: 'http://app.example' },
    });
    expect(missing.headers['access-control-allow-origin']).toBe('*');
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/user/goods/index',
      headers: {
        origin: 'http://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
  });

  it('echoes a request id on every answer', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toEqual({ status: 'ready', database: 'ok', kv: 'ok' });
  });
});

describe.each(backends)('legacy CORS with a configured origin ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { CORS_ORIGIN: 'https://app.example.cn' });
  });
  afterAll(() => t.close());

  it('allows only the configured origin', async () => {
    const allowed = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://app.example.cn' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.cn');
    const other = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
