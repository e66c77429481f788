import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../support/test-app.js';

/*
 * CONTRACT.md §4: inputs, liberally. A phone typed with spaces, a +86 prefix or a Chinese input
 * method's full-width digits, and a code sent as a number, were refused (手机号码格式错误,
 * 验证码格式错误): a code starting with 0, one in ten, arrives as a number without it.
 */
describe.each(backends)('phones and codes as people write them ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  const fullWidth = (digits: string) =>
    [...digits].map((digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0)).join('');

  it('reads a phone written with spaces, dashes, +86 or full-width digits as its eleven digits', async () => {
    for (const written of [
      (p: string) => ` ${p} `,
      (p: string) => `+86 ${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}`,
      (p: string) => `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`,
      (p: string) => `0086${p}`,
      fullWidth,
    ]) {
      const phone = randomPhone();
      const ip = randomIp();
      const sent = await legacyPost(t.app, '/index/api/sms', { phone: written(phone) }, 'json', { ip });
      expect(sent.body, written(phone)).toEqual({ res: 1, err: '', data: '' });
      const code = t.sms.lastCodeFor(phone);
      const login = await legacyPost(
        t.app,
        '/index/api/loginphone',
        { phone: written(phone), smscode: code },
        'json',
        { ip },
      );
      expect(login.body.res, written(phone)).toBe(1);
      const user = await t.stores.database.db
        .selectFrom('users')
        .select('phone')
        .where('id', '=', (login.body.data as { user_id: number }).user_id)
        .executeTakeFirst();
      expect(user?.phone).toBe(phone);
    }
    // What is no mobile number stays refused.
    for (const phone of ['+1 415 555 0100', '138000000', 'abc']) {
      const refused = await legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip: randomIp() });
      expect(refused.body).toEqual({ res: 0, err: '手机号码格式错误', data: '' });
    }
  });

  it('takes a code sent as a number, its leading zero lost', async () => {
    // Codes are random: phones are tried until one is sent a code starting with 0 (one in ten).
    for (let tries = 0; tries < 300; tries++) {
      const phone = randomPhone();
      const ip = randomIp();
      await legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip });
      const code = t.sms.lastCodeFor(phone);
      if (!code.startsWith('0')) continue;
      const login = await legacyPost(
        t.app,
        '/index/api/loginphone',
        { phone, smscode: Number(code) },
        'json',
        {
          ip,
        },
      );
      expect(login.body.res, `code ${code} as ${Number(code)}`).toBe(1);
      return;
    }
    throw new Error('no code starting with 0 in 300 sends');
  });

  it('refuses a reset naming an id and a phone that is no phone as a bad phone, not a wrong code', async () => {
    const owner = await loginBySms(t);
    const answer = await legacyPost(t.app, '/index/api/getpwd', {
      user_id: owner.userId,
      phone: 'not-a-phone',
      code: '123456',
      newpwd: 'new-pass-1',
    });
    expect(answer.body).toEqual({ res: 0, err: '手机号码格式错误', data: '' });
  });
});
