import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginByPassword, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';

const minute = 60_000;
const tooFrequent = { res: 0, err: '验证码发送过于频繁，请稍后再试', data: '' };
const badCode = { res: 0, err: '验证码错误或已过期', data: '' };
const triesUsed = { res: 0, err: '验证码错误次数过多，请重新获取', data: '' };

describe.each(backends)('SMS and login limits ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { LIMIT_SMS_PER_IP_HOUR: '8', LIMIT_LOGIN_FAIL_PER_IP_HOUR: '7' });
  });
  afterAll(() => t.close());

  const sendSms = (phone: string, ip = randomIp()) =>
    legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip });
  const loginWithCode = (phone: string, smscode: string) =>
    legacyPost(t.app, '/index/api/loginphone', { phone, smscode }, 'json', { ip: randomIp() });

  /**
   * 21:00 in Shanghai (13:00 UTC): the phone's ten sends of the day, by 22:10 there, the last more
   * than an hour before midnight (five an hour, in any hour).
   */
  const sendTheDaysTenFrom2100InShanghai = async (phone: string) => {
    t.clock.advanceToNext(24 * 60 * minute, 13 * 60 * minute);
    for (let i = 1; i <= 10; i++) {
      expect((await sendSms(phone)).body.res, `send ${i} of the day`).toBe(1);
      t.clock.advance(i === 5 ? 60 * minute : minute + 1);
    }
  };

  it('tells a typed client in how many seconds it may ask again, in the error and in Retry-After', async () => {
    const phone = randomPhone();
    const request = () =>
      t.app.inject({
        method: 'POST',
        url: '/trpc/auth.requestSmsCode',
        payload: { json: { phone } },
        remoteAddress: randomIp(),
      });
    expect((await request()).statusCode).toBe(200);
    t.clock.advance(20_000);
    const refused = await request();
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.json.data).toMatchObject({
      appCode: 'SMS_TOO_FREQUENT',
      retryAfterSeconds: 40,
    });
    expect(refused.headers['retry-after']).toBe('40');
    // Any other failure says nothing of the kind.
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/trpc/auth.requestSmsCode',
      payload: { json: { phone: '12' } },
    });
    expect(invalid.json().error.json.data).toMatchObject({
      appCode: 'VALIDATION_FAILED',
      retryAfterSeconds: null,
    });
    expect(invalid.headers['retry-after']).toBeUndefined();
  });

  it('tells the longest wait of the phone’s caps, not the first cap’s', async () => {
    const phone = randomPhone();
    // The hour's five, a minute and a second apart.
    for (let i = 1; i <= 5; i++) {
      expect((await sendSms(phone)).body.res, `send ${i}`).toBe(1);
      if (i < 5) t.clock.advance(61_000);
    }
    t.clock.advance(20_000);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/trpc/auth.requestSmsCode',
      payload: { json: { phone } },
      remoteAddress: randomIp(),
    });
    // The minute's cap would say 40 s; the hour's, until the first send is an hour old.
    const hourLeft = 3600 - (4 * 61 + 20);
    expect(refused.json().error.json.data).toMatchObject({
      appCode: 'SMS_TOO_FREQUENT',
      retryAfterSeconds: hourLeft,
    });
    t.clock.advance(hourLeft * 1000);
    expect((await sendSms(phone)).body.res).toBe(1);
  });

  it('sends at most one code per phone per minute, five per hour and ten per day', async () => {
    const phone = randomPhone();
    // Start at the top of a day, so the day's window holds every send below.
    t.clock.advanceToNext(24 * 60 * minute, minute);
    expect((await sendSms(phone)).body.res).toBe(1);
    expect((await sendSms(phone)).body).toEqual(tooFrequent);
    for (let i = 2; i <= 5; i++) {
      t.clock.advance(minute);
      expect((await sendSms(phone)).body.res, `send ${i} of the hour`).toBe(1);
    }
    t.clock.advance(minute);
    expect((await sendSms(phone)).body).toEqual(tooFrequent);

    // The next hour allows five more; that makes ten today, the daily cap.
    t.clock.advance(60 * minute);
    for (let i = 6; i <= 10; i++) {
      expect((await sendSms(phone)).body.res, `send ${i} of the day`).toBe(1);
      t.clock.advance(minute);
    }
    t.clock.advance(60 * minute);
    expect((await sendSms(phone)).body).toEqual(tooFrequent);
    t.clock.advanceToNext(24 * 60 * minute, minute);
    expect((await sendSms(phone)).body.res).toBe(1);
  });

  it("starts a phone's day of ten at midnight where the users live (TZ_DISPLAY), not at UTC's", async () => {
    const phone = randomPhone();
    await sendTheDaysTenFrom2100InShanghai(phone);
    const day = 24 * 60 * minute;
    t.clock.advance(16 * 60 * minute - minute - (t.clock.now() % day));
    expect((await sendSms(phone)).body, '23:59 in Shanghai').toEqual(tooFrequent);
    // 00:00 in Shanghai is 16:00 UTC, the same UTC day: a new day for the phone's owner.
    t.clock.advance(minute);
    expect((await sendSms(phone)).body.res, '00:00 in Shanghai').toBe(1);
  });

  it('counts no refused send: taps at the day’s cap neither delay the next day’s first code nor spend the address’s sends', async () => {
    const phone = randomPhone();
    const ip = randomIp();
    await sendTheDaysTenFrom2100InShanghai(phone);
    // Its owner taps "send" eight times, a minute apart, up to 23:59:30 in Shanghai, from one
    // address (the test's cap: eight an hour): every tap refused, each allowed by the minute and the hour.
    const day = 24 * 60 * minute;
    t.clock.advance(16 * 60 * minute - 8 * minute - 30_000 - (t.clock.now() % day));
    for (let tap = 1; tap <= 8; tap++) {
      t.clock.advance(minute);
      expect((await sendSms(phone, ip)).body, `tap ${tap}`).toEqual(tooFrequent);
    }
    // 00:00:10 in Shanghai: a new day, and the taps took nothing from its minute, its hour or the address.
    t.clock.advance(40_000);
    expect((await sendSms(phone, ip)).body.res, 'the first send of the new day').toBe(1);
  });

  it('sends one code a minute in any minute, not two a moment apart across the clock’s minute', async () => {
    const phone = randomPhone();
    t.clock.advanceToNext(minute, minute - 300);
    expect((await sendSms(phone)).body.res).toBe(1);
    t.clock.advance(400);
    expect((await sendSms(phone)).body, 'the next minute, 0.4 s later').toEqual(tooFrequent);
    t.clock.advance(minute - 400);
    expect((await sendSms(phone)).body.res, 'a minute after the first').toBe(1);
  });

  it('caps sends per client IP per hour across phones', async () => {
    const ip = randomIp();
    for (let i = 0; i < 8; i++) expect((await sendSms(randomPhone(), ip)).body.res).toBe(1);
    expect((await sendSms(randomPhone(), ip)).body).toEqual(tooFrequent);
    expect((await sendSms(randomPhone(), randomIp())).body.res).toBe(1);
  });

  it('kills a code after five wrong tries, even if the sixth is right, and says to ask for a new one', async () => {
    const phone = randomPhone();
    await sendSms(phone);
    const code = t.sms.lastCodeFor(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) expect((await loginWithCode(phone, wrong)).body).toEqual(badCode);
    expect((await loginWithCode(phone, wrong)).body, 'the fifth').toEqual(triesUsed);
    expect((await loginWithCode(phone, code)).body, 'the right one after').toEqual(triesUsed);
    // A new code starts the count again.
    t.clock.advance(minute);
    await sendSms(phone);
    const next = t.sms.lastCodeFor(phone);
    expect((await loginWithCode(phone, next === '000000' ? '111111' : '000000')).body).toEqual(badCode);
    expect((await loginWithCode(phone, next)).body.res).toBe(1);
  });

  it('accepts the right code after a few wrong tries', async () => {
    const phone = randomPhone();
    await sendSms(phone);
    const code = t.sms.lastCodeFor(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) await loginWithCode(phone, wrong);
    expect((await loginWithCode(phone, code)).body.res).toBe(1);
  });

  it('uses a code once, also when two logins race with it', async () => {
    const phone = randomPhone();
    await sendSms(phone);
    const code = t.sms.lastCodeFor(phone);
    const answers = await Promise.all([
      loginWithCode(phone, code),
      loginWithCode(phone, code),
      loginWithCode(phone, code),
    ]);
    expect(answers.filter((a) => a.body.res === 1)).toHaveLength(1);
    expect((await loginWithCode(phone, code)).body).toEqual(badCode);
  });

  it('lets a code expire after five minutes', async () => {
    const phone = randomPhone();
    await sendSms(phone);
    t.clock.advance(5 * minute + 1);
    expect((await loginWithCode(phone, t.sms.lastCodeFor(phone))).body).toEqual(badCode);
  });

  it('replaces the previous code when a new one is sent', async () => {
    const phone = randomPhone();
    await sendSms(phone);
    const first = t.sms.lastCodeFor(phone);
    t.clock.advance(minute + 1);
    await sendSms(phone);
    const second = t.sms.lastCodeFor(phone);
    if (first !== second) expect((await loginWithCode(phone, first)).body).toEqual(badCode);
    expect((await loginWithCode(phone, second)).body.res).toBe(1);
  });

  it('locks password login for a phone after five failures, for known and unknown phones alike', async () => {
    const session = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(session), password: 'right-pass-1' });
    const unknown = randomPhone();
    for (const phone of [session.phone, unknown]) {
      for (let i = 0; i < 5; i++) {
        const answer = await legacyPost(
          t.app,
          '/index/api/loginpassword',
          { phone, password: 'wrong-pass' },
          'json',
          { ip: randomIp() },
        );
        expect(answer.body).toEqual({ res: 0, err: '手机号或密码错误', data: '' });
      }
      const locked = await legacyPost(
        t.app,
        '/index/api/loginpassword',
        { phone, password: 'right-pass-1' },
        'json',
        { ip: randomIp() },
      );
      expect(locked.body).toEqual({ res: 0, err: '登录失败次数过多，请稍后再试', data: '' });
    }
    t.clock.advance(15 * minute);
    const later = await legacyPost(
      t.app,
      '/index/api/loginpassword',
      { phone: session.phone, password: 'right-pass-1' },
      'json',
      { ip: randomIp() },
    );
    expect(later.body.res).toBe(1);
  });

  it('keeps a phone locked for 15 minutes from its fifth failure, whatever the clock’s quarter', async () => {
    const session = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(session), password: 'right-pass-1' });
    const login = (password: string) => loginByPassword(t, session.phone, password);
    // Five failures in the last seconds of a quarter hour, then the right password just after it.
    t.clock.advanceToNext(15 * minute, 15 * minute - 3000);
    for (let i = 0; i < 5; i++) expect((await login('wrong-pass')).body.err).toBe('手机号或密码错误');
    t.clock.advance(3300);
    expect((await login('right-pass-1')).body.err).toBe('登录失败次数过多，请稍后再试');
    t.clock.advance(15 * minute - 3300);
    expect((await login('right-pass-1')).body.res).toBe(1);
  });

  /** A password login from an address of its own. */
  const login = (phone: string, password: string) => loginByPassword(t, phone, password);
  /** A new password set by SMS code (getpwd): its answer. */
  const resetBySms = async (phone: string, newpwd: string) => {
    const ip = randomIp();
    expect((await sendSms(phone, ip)).body.res).toBe(1);
    const reset = await legacyPost(
      t.app,
      '/index/api/getpwd',
      { phone, code: t.sms.lastCodeFor(phone), newpwd },
      'json',
      { ip },
    );
    return reset.body;
  };

  it('lifts the phone’s password lock once its owner sets a new password (getpwd or editpassword)', async () => {
    const lockOut = async (phone: string) => {
      for (let i = 0; i < 5; i++) expect((await login(phone, 'forgotten')).body.err).toBe('手机号或密码错误');
      expect((await login(phone, 'forgotten')).body.err).toBe('登录失败次数过多，请稍后再试');
    };
    const session = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(session), password: 'first-pass-1' });

    // Forgotten, five tries, then reset by SMS code: the new password works right away.
    await lockOut(session.phone);
    t.clock.advance(minute);
    expect(await resetBySms(session.phone, 'second-pass-2')).toEqual({ res: 1, err: '', data: '' });
    expect((await login(session.phone, 'second-pass-2')).body.res).toBe(1);

    // The same after logging in by SMS and changing it in the settings.
    await lockOut(session.phone);
    t.clock.advance(minute);
    const bySms = await loginBySms(t, session.phone);
    const changed = await legacyPost(t.app, '/user/info/editpassword', {
      ...checkFields(bySms),
      password: 'third-pass-3',
    });
    expect(changed.body.res).toBe(1);
    expect((await login(session.phone, 'third-pass-3')).body.res).toBe(1);
  });

  it('lifts the phone’s twenty password logins an hour once its owner sets a new password', async () => {
    const session = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(session), password: 'first-pass-1' });
    for (let i = 0; i < 20; i++) expect((await login(session.phone, 'first-pass-1')).body.res).toBe(1);
    expect((await login(session.phone, 'first-pass-1')).body.err).toBe('登录过于频繁，请稍后再试');

    t.clock.advance(minute);
    expect(await resetBySms(session.phone, 'second-pass-2')).toEqual({ res: 1, err: '', data: '' });
    expect((await login(session.phone, 'second-pass-2')).body.res).toBe(1);
  });

  it('locks password login from one IP after its failure cap, whatever the phone', async () => {
    const ip = randomIp();
    for (let i = 0; i < 7; i++) {
      const answer = await legacyPost(
        t.app,
        '/index/api/loginpassword',
        { phone: randomPhone(), password: 'nope-nope' },
        'json',
        { ip },
      );
      expect(answer.body.err).toBe('手机号或密码错误');
    }
    const locked = await legacyPost(
      t.app,
      '/index/api/loginpassword',
      { phone: randomPhone(), password: 'nope-nope' },
      'json',
      { ip },
    );
    expect(locked.body.err).toBe('登录失败次数过多，请稍后再试');
  });

  it('does not let a client over its IP cap go on spending a phone’s failures', async () => {
    t.clock.advanceToNext(60 * minute);
    const owner = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(owner), password: 'right-pass-2' });
    const login = (phone: string, password: string, ip: string) => loginByPassword(t, phone, password, ip);
    const ip = randomIp();
    for (let i = 0; i < 7; i++) {
      expect((await login(randomPhone(), 'nope-nope', ip)).body.err).toBe('手机号或密码错误');
    }
    for (let i = 0; i < 5; i++) {
      expect((await login(owner.phone, 'nope-nope', ip)).body.err).toBe('登录失败次数过多，请稍后再试');
    }
    expect((await login(owner.phone, 'right-pass-2', randomIp())).body.res).toBe(1);
  });

  it('counts an IPv6 client by its /64, and an IPv4 client on a dual-stack socket by its IPv4 address', async () => {
    t.clock.advanceToNext(60 * minute);
    const group = () => randomInt(0, 0x10000).toString(16);
    const network = `2001:db8:${group()}:${group()}`;
    for (let i = 1; i <= 8; i++) expect((await sendSms(randomPhone(), `${network}::${i}`)).body.res).toBe(1);
    expect((await sendSms(randomPhone(), `${network}:ffff:ffff:ffff:ffff`)).body).toEqual(tooFrequent);
    const nextNetwork = `2001:db8:${group()}:${group()}::1`;
    expect((await sendSms(randomPhone(), nextNetwork)).body.res).toBe(1);

    const ipv4 = randomIp();
    for (let i = 0; i < 8; i++) {
      expect((await sendSms(randomPhone(), i % 2 ? ipv4 : `::ffff:${ipv4}`)).body.res).toBe(1);
    }
    expect((await sendSms(randomPhone(), `::ffff:${ipv4}`)).body).toEqual(tooFrequent);
  });

  it('cannot be bypassed by batching calls on /trpc', async () => {
    const phone = randomPhone();
    const calls = Array.from({ length: 8 }, () => ({ json: { phone, password: 'batch-guess' } }));
    const input = Object.fromEntries(calls.map((c, i) => [i, c]));
    const path = Array.from({ length: 8 }, () => 'auth.loginWithPassword').join(',');
    const response = await t.app.inject({
      method: 'POST',
      url: `/trpc/${path}?batch=1`,
      payload: input,
      remoteAddress: randomIp(),
    });
    const results = response.json() as Array<{ error?: { json: { data: { appCode: string } } } }>;
    const codes = results.map((r) => r.error?.json.data.appCode);
    expect(codes.filter((c) => c === 'LOGIN_FAILED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'LOGIN_LOCKED')).toHaveLength(3);
  });

  it('refuses batches larger than the cap', async () => {
    const path = Array.from({ length: 11 }, () => 'auth.requestSmsCode').join(',');
    const input = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [i, { json: { phone: randomPhone() } }]),
    );
    const response = await t.app.inject({ method: 'POST', url: `/trpc/${path}?batch=1`, payload: input });
    expect(response.statusCode).toBe(400);
    // Named as what it is, not as an input a procedure refused.
    const { error } = response.json() as { error: { json: { message: string; data: { appCode: string } } } };
    expect(error.json.data.appCode).toBe('BATCH_TOO_LARGE');
    expect(error.json.message).toBe('A batch holds at most 10 calls');
    const ten = await t.app.inject({
      method: 'GET',
      url: `/trpc/${Array.from({ length: 10 }, () => 'user.me').join(',')}?batch=1`,
    });
    expect(
      (ten.json() as Array<{ error: { json: { data: { appCode: string } } } }>)[9]?.error.json.data.appCode,
    ).toBe('UNAUTHENTICATED');
  });

  it('answers SMS requests alike for known and unknown phones', async () => {
    const known = await loginBySms(t);
    t.clock.advance(minute + 1);
    const forKnown = await sendSms(known.phone);
    const forUnknown = await sendSms(randomPhone());
    expect(forKnown.body).toEqual(forUnknown.body);
  });

  it('answers a password reset for an unknown account like a wrong code', async () => {
    const answer = await legacyPost(t.app, '/index/api/getpwd', {
      code: '123456',
      phone: randomPhone(),
      newpwd: 'whatever-1',
    });
    expect(answer.body).toEqual(badCode);
    const byId = await legacyPost(t.app, '/index/api/getpwd', {
      code: '123456',
      user_id: '999999999',
      newpwd: 'whatever-1',
    });
    expect(byId.body).toEqual(badCode);
  });

  const sendFailed = { res: 0, err: '短信发送失败，请稍后再试', data: '' };

  it('reports a gateway that refused the code, and gives the phone its quota back', async () => {
    const phone = randomPhone();
    // Start at the top of a day, so the day's window holds every send below.
    t.clock.advanceToNext(24 * 60 * minute, minute);
    t.sms.failNext = 'notSent';
    expect((await sendSms(phone)).body).toEqual(sendFailed);
    // Nothing reached the phone: its owner may ask again at once, and the day still holds ten.
    for (let i = 1; i <= 10; i++) {
      expect((await sendSms(phone)).body.res, `send ${i} of the day`).toBe(1);
      t.clock.advance(i === 5 ? 60 * minute : minute + 1);
    }
    expect((await sendSms(phone)).body).toEqual(tooFrequent);
  });

  it('answers a failed send on the typed door as a failure of the gateway (502), not a bug (500)', async () => {
    t.sms.failNext = 'notSent';
    const response = await t.app.inject({
      method: 'POST',
      url: '/trpc/auth.requestSmsCode',
      payload: { json: { phone: randomPhone() } },
      remoteAddress: randomIp(),
    });
    expect(response.statusCode).toBe(502);
    expect(response.json().error.json.data.appCode).toBe('SMS_SEND_FAILED');
  });

  it('keeps a code whose sending is in doubt, since the phone may receive it', async () => {
    const phone = randomPhone();
    t.sms.failNext = 'unknown';
    expect((await sendSms(phone)).body).toEqual(sendFailed);
    // The quota is spent as for any send: the phone may have got the message.
    expect((await sendSms(phone)).body).toEqual(tooFrequent);
    const login = await loginWithCode(phone, t.sms.lastCodeFor(phone));
    expect(login.body.res).toBe(1);
  });
});
