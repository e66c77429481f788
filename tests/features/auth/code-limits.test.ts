import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';

const hour = 60 * 60_000;
const wrongCodesPerIp = 4;
const badCode = { res: 0, err: '验证码错误或已过期', data: '' };
const locked = { res: 0, err: '登录失败次数过多，请稍后再试', data: '' };

describe.each(backends)('wrong SMS codes per client IP ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { LIMIT_LOGIN_FAIL_PER_IP_HOUR: String(wrongCodesPerIp) });
  });
  afterAll(() => t.close());

  /** Texts a code to a phone (from an address of its own) and answers it, with a code that is not it. */
  async function sendCode(phone = randomPhone()) {
    const sent = await legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip: randomIp() });
    expect(sent.body.res).toBe(1);
    const code = t.sms.lastCodeFor(phone);
    return { phone, code, wrong: code === '000000' ? '111111' : '000000' };
  }
  const loginPhone = (ip: string, phone: string, smscode: string) =>
    legacyPost(t.app, '/index/api/loginphone', { phone, smscode }, 'json', { ip });
  const getpwd = (ip: string, fields: Record<string, unknown>) =>
    legacyPost(t.app, '/index/api/getpwd', { newpwd: 'brand-new-9', ...fields }, 'json', { ip });
  /** One typed call from `ip`: its result, or the code it failed with. */
  async function typed(procedure: string, input: unknown, ip: string) {
    const response = await t.app.inject({
      method: 'POST',
      url: `/trpc/${procedure}`,
      payload: { json: input },
      remoteAddress: ip,
    });
    const body = response.json() as { result?: unknown; error?: { json: { data: { appCode: string } } } };
    return { status: response.statusCode, appCode: body.error?.json.data.appCode };
  }

  it('refuses a client after its cap of wrong codes spread over many phones, without spending a right code', async () => {
    t.clock.advanceToNext(hour);
    const ip = randomIp();
    for (let i = 0; i < wrongCodesPerIp; i++) {
      const target = await sendCode();
      expect((await loginPhone(ip, target.phone, target.wrong)).body).toEqual(badCode);
    }
    const victim = await sendCode();
    expect((await loginPhone(ip, victim.phone, victim.code)).body).toEqual(locked);
    expect((await getpwd(ip, { phone: victim.phone, code: victim.code })).body).toEqual(locked);

    // The refused attempts neither consumed the code nor used up the phone's five tries.
    expect((await loginPhone(randomIp(), victim.phone, victim.code)).body.res).toBe(1);

    // The cap is per hour: the next one lets the client try again.
    t.clock.advanceToNext(hour);
    const later = await sendCode();
    expect((await loginPhone(ip, later.phone, later.code)).body.res).toBe(1);
  });

  it('counts password resets with the logins, and an unknown user id like a wrong code', async () => {
    t.clock.advanceToNext(hour);
    const ip = randomIp();
    const account = await loginBySms(t);
    t.clock.advance(61_000);
    const target = await sendCode(account.phone);
    for (let i = 0; i < wrongCodesPerIp - 1; i++) {
      expect((await getpwd(ip, { user_id: '999999999', code: target.wrong })).body).toEqual(badCode);
    }
    expect((await getpwd(ip, { user_id: String(account.userId), code: target.wrong })).body).toEqual(badCode);

    // Over the cap a known and an unknown id answer alike, so ids cannot be told apart.
    expect((await getpwd(ip, { user_id: '999999999', code: target.code })).body).toEqual(locked);
    expect((await getpwd(ip, { user_id: String(account.userId), code: target.code })).body).toEqual(locked);
    expect((await loginPhone(ip, account.phone, target.code)).body).toEqual(locked);
    const reset = await getpwd(randomIp(), { user_id: String(account.userId), code: target.code });
    expect(reset.body).toEqual({ res: 1, err: '', data: '' });
  });

  it('takes a right code back off the count, so only wrong ones use the cap', async () => {
    t.clock.advanceToNext(hour);
    const ip = randomIp();
    for (let i = 0; i < wrongCodesPerIp - 1; i++) {
      const target = await sendCode();
      expect((await loginPhone(ip, target.phone, target.wrong)).body).toEqual(badCode);
    }
    const mine = await sendCode();
    expect((await loginPhone(ip, mine.phone, mine.code)).body.res).toBe(1);
    const last = await sendCode();
    expect((await loginPhone(ip, last.phone, last.wrong)).body).toEqual(badCode);
    expect((await loginPhone(ip, last.phone, last.code)).body).toEqual(locked);
  });

  it('caps the typed procedures the same way, with LOGIN_LOCKED', async () => {
    t.clock.advanceToNext(hour);
    const ip = randomIp();
    for (let i = 0; i < wrongCodesPerIp; i++) {
      const target = await sendCode();
      const guess = { phone: target.phone, code: target.wrong };
      const answer =
        i % 2
          ? await typed('auth.loginWithSmsCode', guess, ip)
          : await typed('auth.resetPassword', { ...guess, newPassword: 'brand-new-9' }, ip);
      expect(answer).toEqual({ status: 400, appCode: 'SMS_CODE_INVALID' });
    }
    const victim = await sendCode();
    const refused = { status: 429, appCode: 'LOGIN_LOCKED' };
    const login = { phone: victim.phone, code: victim.code };
    expect(await typed('auth.loginWithSmsCode', login, ip)).toEqual(refused);
    expect(await typed('auth.resetPassword', { ...login, newPassword: 'brand-new-9' }, ip)).toEqual(refused);
    expect((await typed('auth.loginWithSmsCode', login, randomIp())).status).toBe(200);
  });

  it('tells only the owner of an unregistered phone, once the code is right, that it has no account', async () => {
    const stranger = await sendCode();
    expect((await getpwd(randomIp(), { phone: stranger.phone, code: stranger.wrong })).body).toEqual(badCode);
    const owner = await getpwd(randomIp(), { phone: stranger.phone, code: stranger.code });
    expect(owner.body).toEqual({ res: 0, err: '该手机号未注册', data: '' });
    // The code is not spent on it: the owner may sign up with it (before, it was used up).
    const signUp = await typed(
      'auth.loginWithSmsCode',
      { phone: stranger.phone, code: stranger.code },
      randomIp(),
    );
    expect(signUp.status).toBe(200);
  });
});
