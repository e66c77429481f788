import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { type Encoding, legacyPost } from '../support/legacy-client.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../support/test-app.js';

/** Values no field of the login routes accepts. */
const badValues: Record<string, unknown> = {
  'an object': { nested: 'x' },
  'an array': ['13800138000', '13800138001'],
  'a 100 KB string': '1'.repeat(100 * 1024),
  'a NUL': '13800\u0000138000',
  'an emoji': '1380013800😀',
};

interface RouteCase {
  readonly path: string;
  /** Valid fields; each one is then broken in turn. */
  readonly valid: (session: { userId: number; token: string; phone: string }) => Record<string, unknown>;
  readonly fields: readonly string[];
  readonly missing: Record<string, string>;
}

const cases: readonly RouteCase[] = [
  {
    path: '/index/api/sms',
    valid: () => ({ phone: randomPhone() }),
    fields: ['phone'],
    missing: { phone: '手机号码不能为空' },
  },
  {
    path: '/index/api/loginphone',
    valid: () => ({ phone: randomPhone(), smscode: '123456', usertype: 1 }),
    fields: ['phone', 'smscode', 'usertype'],
    missing: { phone: '手机号码不能为空', smscode: '验证码不能为空' },
  },
  {
    path: '/index/api/loginpassword',
    valid: () => ({ phone: randomPhone(), password: 'some-password' }),
    fields: ['phone', 'password'],
    missing: { phone: '手机号码不能为空', password: '密码不能为空' },
  },
  {
    path: '/index/api/getpwd',
    valid: (s) => ({ code: '123456', user_id: String(s.userId), newpwd: 'new-password' }),
    fields: ['code', 'user_id', 'newpwd'],
    missing: { code: '短信验证码不能为空', newpwd: '新密码不能为空' },
  },
  {
    path: '/user/info/editpassword',
    valid: (s) => ({ ...checkFields(s), password: 'new-password' }),
    fields: ['password'],
    missing: { password: '新密码不能为空' },
  },
];

const chinese = /[\u4e00-\u9fa5]/;

describe.each(backends)('bad input on the login routes ($name)', (backend) => {
  let t: TestApp;
  let session: { userId: number; token: string; phone: string };
  beforeAll(async () => {
    t = await startTestApp(backend, {
      LIMIT_LOGIN_FAIL_PER_IP_HOUR: '100000',
      LIMIT_SMS_PER_IP_HOUR: '100000',
    });
    session = await loginBySms(t);
  });
  afterAll(() => t.close());

  const post = (path: string, fields: Record<string, unknown>, encoding: Encoding = 'json') =>
    legacyPost(t.app, path, fields, encoding, { ip: randomIp() });

  for (const route of cases) {
    for (const field of route.fields) {
      for (const [what, value] of Object.entries(badValues)) {
        it(`${route.path}: ${field} as ${what} → res 0 with a Chinese err`, async () => {
          const answer = await post(route.path, { ...route.valid(session), [field]: value });
          expect(answer.status).toBe(200);
          expect(answer.body.res).toBe(0);
          expect(answer.body.err).toMatch(chinese);
          expect(answer.body.data).toBe('');
        });
      }
      const missingMessage = route.missing[field];
      if (missingMessage) {
        it(`${route.path}: ${field} missing → ${missingMessage}`, async () => {
          const fields = route.valid(session);
          delete fields[field];
          for (const encoding of ['json', 'form', 'multipart'] as const) {
            const answer = await post(route.path, fields, encoding);
            expect(answer.body, encoding).toEqual({ res: 0, err: missingMessage, data: '' });
          }
        });
      }
    }
  }

  it('names the problem precisely', async () => {
    expect((await post('/index/api/sms', { phone: '12345' })).body.err).toBe('手机号码格式错误');
    expect((await post('/index/api/sms', { phone: '12345678901' })).body.err).toBe('手机号码格式错误');
    expect((await post('/index/api/loginphone', { phone: randomPhone(), smscode: '12a456' })).body.err).toBe(
      '验证码格式错误',
    );
    expect(
      (await post('/index/api/loginphone', { phone: randomPhone(), smscode: '123456', usertype: 3 })).body
        .err,
    ).toBe('用户类型格式错误');
    expect(
      (await post('/user/info/editpassword', { ...checkFields(session), password: '12345' })).body.err,
    ).toBe('新密码不能少于6个字符');
    expect(
      (await post('/user/info/editpassword', { ...checkFields(session), password: 'x'.repeat(65) })).body.err,
    ).toBe('新密码不能超过64个字符');
    expect(
      (await post('/user/info/editpassword', { ...checkFields(session), password: ' '.repeat(8) })).body.err,
    ).toBe('新密码不能为空');
  });

  it('changes nothing when an input is refused', async () => {
    await post('/user/info/editpassword', { ...checkFields(session), password: 'kept-password' });
    await post('/user/info/editpassword', { ...checkFields(session), password: 'bad\u0000password' });
    const login = await post('/index/api/loginpassword', { phone: session.phone, password: 'kept-password' });
    expect(login.body.res).toBe(1);
  });

  it('checks login before fields on /user routes', async () => {
    const answer = await post('/user/info/editpassword', {
      user_id_check: '1',
      token_check: 'x',
      password: '1',
    });
    expect(answer.body).toEqual({ res: 0, err: '没有登录或状态过期', data: '' });
  });

  it('treats injection strings as plain data', async () => {
    const answer = await post('/index/api/loginpassword', {
      phone: "13800138000' OR '1'='1",
      password: "' OR 1=1 --",
    });
    expect(answer.body.err).toBe('手机号码格式错误');
    const wrong = await post('/index/api/loginpassword', { phone: session.phone, password: "' OR 1=1 --" });
    expect(wrong.body.err).toBe('手机号或密码错误');
  });
});
