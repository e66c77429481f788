import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { encodings, legacyGet, legacyPost } from '../../support/legacy-client.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';

describe.each(backends)('login over the legacy routes ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  describe.each(encodings)('with a %s body', (encoding) => {
    it('registers a new phone by SMS code with the chosen user type, then logs in again as the same user', async () => {
      const phone = randomPhone();
      const ip = randomIp();
      const sent = await legacyPost(t.app, '/index/api/sms', { phone }, encoding, { ip });
      expect(sent).toMatchObject({ status: 200, body: { res: 1, err: '', data: '' } });
      const code = t.sms.lastCodeFor(phone);
      expect(code).toMatch(/^\d{6}$/);

      const first = await legacyPost(
        t.app,
        '/index/api/loginphone',
        { phone, smscode: code, usertype: '2' },
        encoding,
        {
          ip,
        },
      );
      expect(first.status).toBe(200);
      expect(first.body.res).toBe(1);
      const data = first.body.data as { user_id: number; token: string };
      expect(typeof data.user_id).toBe('number');
      expect(data.token.length).toBeGreaterThanOrEqual(22);

      const info = await legacyPost(
        t.app,
        '/user/info/info',
        checkFields({ userId: data.user_id, token: data.token }),
        encoding,
      );
      expect(info.body).toMatchObject({
        res: 1,
        data: { id: data.user_id, token: data.token, phone, usertype: '企业用户', userstate: '未认证' },
      });

      t.clock.advance(61_000);
      await legacyPost(t.app, '/index/api/sms', { phone }, encoding, { ip });
      const again = await legacyPost(
        t.app,
        '/index/api/loginphone',
        { phone, smscode: t.sms.lastCodeFor(phone), usertype: 1 },
        encoding,
        { ip },
      );
      expect((again.body.data as { user_id: number }).user_id).toBe(data.user_id);
      const infoAgain = await legacyPost(
        t.app,
        '/user/info/info',
        checkFields({ userId: data.user_id, token: (again.body.data as { token: string }).token }),
      );
      // usertype is only used when the phone registers.
      expect((infoAgain.body.data as { usertype: string }).usertype).toBe('企业用户');
    });

    it('logs in by password after one is set, and refuses a wrong one', async () => {
      const session = await loginBySms(t);
      const set = await legacyPost(
        t.app,
        '/user/info/editpassword',
        { ...checkFields(session), password: 'secret-123' },
        encoding,
      );
      expect(set.body).toEqual({ res: 1, err: '', data: '' });

      const ok = await legacyPost(
        t.app,
        '/index/api/loginpassword',
        { phone: session.phone, password: 'secret-123' },
        encoding,
        { ip: randomIp() },
      );
      expect(ok.body.res).toBe(1);
      expect((ok.body.data as { user_id: number }).user_id).toBe(session.userId);

      const wrong = await legacyPost(
        t.app,
        '/index/api/loginpassword',
        { phone: session.phone, password: 'secret-124' },
        encoding,
        { ip: randomIp() },
      );
      expect(wrong.body).toEqual({ res: 0, err: '手机号或密码错误', data: '' });
    });

    it('logs out with id and token, after which the token no longer works', async () => {
      const session = await loginBySms(t);
      const out = await legacyPost(
        t.app,
        '/index/api/loginout',
        { id: String(session.userId), token: session.token },
        encoding,
      );
      expect(out.body).toEqual({ res: 1, err: '', data: '' });
      const info = await legacyPost(t.app, '/user/info/info', checkFields(session), encoding);
      expect(info.body).toEqual({ res: 0, err: '没有登录或状态过期', data: '' });
    });

    it('resets a forgotten password with an SMS code, by user_id or by phone, ending every session', async () => {
      const session = await loginBySms(t);
      t.clock.advance(61_000);
      await legacyPost(t.app, '/index/api/sms', { phone: session.phone }, encoding, { ip: randomIp() });
      const reset = await legacyPost(
        t.app,
        '/index/api/getpwd',
        { code: t.sms.lastCodeFor(session.phone), user_id: String(session.userId), newpwd: 'brand-new-1' },
        encoding,
      );
      expect(reset.body).toEqual({ res: 1, err: '', data: '' });
      expect((await legacyPost(t.app, '/user/info/info', checkFields(session))).body.res).toBe(0);
      const login = await legacyPost(
        t.app,
        '/index/api/loginpassword',
        { phone: session.phone, password: 'brand-new-1' },
        encoding,
        { ip: randomIp() },
      );
      expect(login.body.res).toBe(1);

      t.clock.advance(61_000);
      await legacyPost(t.app, '/index/api/sms', { phone: session.phone }, encoding, { ip: randomIp() });
      const byPhone = await legacyPost(
        t.app,
        '/index/api/getpwd',
        { code: t.sms.lastCodeFor(session.phone), phone: session.phone, newpwd: 'brand-new-2' },
        encoding,
      );
      expect(byPhone.body.res).toBe(1);

      // A form with both boxes, the phone one left empty: the id names the account.
      t.clock.advance(61_000);
      await legacyPost(t.app, '/index/api/sms', { phone: session.phone }, encoding, { ip: randomIp() });
      const blankPhone = await legacyPost(
        t.app,
        '/index/api/getpwd',
        {
          code: t.sms.lastCodeFor(session.phone),
          user_id: String(session.userId),
          phone: ' ',
          newpwd: 'brand-new-3',
        },
        encoding,
      );
      expect(blankPhone.body).toEqual({ res: 1, err: '', data: '' });
      const withThird = await legacyPost(
        t.app,
        '/index/api/loginpassword',
        { phone: session.phone, password: 'brand-new-3' },
        encoding,
        { ip: randomIp() },
      );
      expect(withThird.body.res).toBe(1);
      // Neither box filled in still says what is missing.
      const neither = await legacyPost(
        t.app,
        '/index/api/getpwd',
        { code: '123456', user_id: '', phone: '', newpwd: 'brand-new-4' },
        encoding,
      );
      expect(neither.body).toEqual({ res: 0, err: '手机号码不能为空', data: '' });
    });
  });

  it('answers GET with the fields in the query string', async () => {
    const phone = randomPhone();
    const sent = await legacyGet(t.app, '/index/api/sms', { phone }, { ip: randomIp() });
    expect(sent.body).toEqual({ res: 1, err: '', data: '' });
    expect(t.sms.lastCodeFor(phone)).toMatch(/^\d{6}$/);
  });

  it('never writes a password, SMS code or token into the log', async () => {
    const session = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', {
      ...checkFields(session),
      password: 'log-secret-77',
    });
    await legacyGet(
      t.app,
      '/index/api/loginpassword',
      { phone: session.phone, password: 'log-secret-77' },
      { ip: randomIp() },
    );
    const code = t.sms.lastCodeFor(session.phone);
    const log = t.logLines.join('\n');
    expect(log).toContain('/index/api/loginpassword');
    expect(log).not.toContain('log-secret-77');
    expect(log).not.toContain(session.token);
    expect(code).toMatch(/^\d{6}$/);
    // As a value of its own: six digits also occur by chance inside request ids and timestamps.
    expect(log).not.toMatch(new RegExp(`(?<![0-9a-f])${code}(?![0-9a-f])`));
  });
});
