import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../server/src/errors.js';
import { PasswordHasher } from '../../../server/src/features/auth/passwords.js';
import { checkFields, loginByPassword, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';

/*
 * Every password check and change is an argon2 hash: ~50 ms of CPU and 19 MiB for a request of a
 * few hundred bytes, one at a time per instance. Wrong passwords are capped per phone and per IP
 * (limits.test.ts); these are the requests that were not: a right password (a success refunds the
 * failure counters) and a change from a session. Measured before the caps: 50 right logins or 50
 * changes from one client, 50 hashes each, ~2.4 s of CPU each. Counted here in hashes, not time.
 */

const hour = 60 * 60_000;
const tooManyLogins = { res: 0, err: '登录过于频繁，请稍后再试', data: '' };
const tooManyChanges = { res: 0, err: '密码修改过于频繁，请稍后再试', data: '' };

describe.each(backends)('argon2 work per account ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const changePassword = (session: { userId: number; token: string }, password: string, ip = randomIp()) =>
    legacyPost(t.app, '/user/info/editpassword', { ...checkFields(session), password }, 'json', { ip });
  const loginWithPassword = (phone: string, password: string, ip = randomIp()) =>
    loginByPassword(t, phone, password, ip);

  it('checks a phone’s right password at most 20 times an hour', async () => {
    // At the top of an hour, so one window holds every login below.
    t.clock.advanceToNext(hour, 1000);
    const session = await loginBySms(t);
    expect((await changePassword(session, 'right-pass-1')).body.res).toBe(1);
    // Wrong passwords are the failure counters' business: they do not spend the owner's logins.
    for (let i = 0; i < 3; i++) {
      expect((await loginWithPassword(session.phone, 'wrong-pass')).body.res).toBe(0);
    }

    const verify = vi.spyOn(PasswordHasher.prototype, 'verify');
    const ip = randomIp();
    // One after another: at once, the phone's failure counter (attempts in flight) already refuses
    // all but five.
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await loginWithPassword(session.phone, 'right-pass-1', ip));
    expect(answers.filter((a) => a.body.res === 1)).toHaveLength(20);
    expect(answers.filter((a) => a.body.res !== 1).map((a) => a.body)).toEqual(Array(10).fill(tooManyLogins));
    expect(verify).toHaveBeenCalledTimes(20);

    // The refused ones were no failures: neither the phone nor the address is locked by them.
    const typed = await t.app.inject({
      method: 'POST',
      url: '/trpc/auth.loginWithPassword',
      payload: { json: { phone: session.phone, password: 'right-pass-1' } },
      remoteAddress: ip,
    });
    expect(typed.statusCode).toBe(429);
    expect(typed.json().error.json.data.appCode).toBe('LOGIN_TOO_FREQUENT');
    expect(verify).toHaveBeenCalledTimes(20);

    t.clock.advance(hour);
    expect((await loginWithPassword(session.phone, 'right-pass-1', ip)).body.res).toBe(1);
    expect(verify).toHaveBeenCalledTimes(21);
  });

  it('hashes at most 10 password changes per account an hour', async () => {
    t.clock.advanceToNext(hour, 1000);
    const session = await loginBySms(t);
    const hash = vi.spyOn(PasswordHasher.prototype, 'hash');
    for (let i = 0; i < 10; i++) {
      expect((await changePassword(session, `new-pass-${i}`)).body.res, `change ${i + 1}`).toBe(1);
    }
    // From any address: the cap is the account's.
    expect((await changePassword(session, 'new-pass-x')).body).toEqual(tooManyChanges);
    expect((await changePassword(session, 'new-pass-y')).body).toEqual(tooManyChanges);
    expect(hash).toHaveBeenCalledTimes(10);
    // The last change that went through holds.
    expect((await loginWithPassword(session.phone, 'new-pass-9')).body.res).toBe(1);

    t.clock.advance(hour);
    expect((await changePassword(session, 'new-pass-z')).body.res).toBe(1);
    expect(hash).toHaveBeenCalledTimes(11);
  });

  it('hashes nothing for a reset of a phone with no account, however often the code (put back for its owner to sign up with) is sent', async () => {
    const phone = randomPhone();
    await legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip: randomIp() });
    const code = t.sms.lastCodeFor(phone);
    const hash = vi.spyOn(PasswordHasher.prototype, 'hash');
    for (let i = 0; i < 10; i++) {
      const answer = await t.app.inject({
        method: 'POST',
        url: '/trpc/auth.resetPassword',
        payload: { json: { phone, code, newPassword: 'brand-new-9' } },
        remoteAddress: randomIp(),
      });
      expect(answer.json().error.json.data.appCode).toBe('ACCOUNT_NOT_FOUND');
    }
    expect(hash).not.toHaveBeenCalled();
  });
});

describe('the queue of password hashes', () => {
  it('refuses at once past its bound, serves what it queued, and takes more once it drains', async () => {
    const hasher = new PasswordHasher(1, 2);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        hasher.hash(`password-${i}`).then(
          (hash) => (hash.startsWith('$argon2id$') ? 'hashed' : hash),
          (error: unknown) => (error instanceof AppError ? error.appCode : error),
        ),
      ),
    );
    // One hashing, two waiting; the other three refused rather than queued without end.
    expect(outcomes).toEqual([
      'hashed',
      'hashed',
      'hashed',
      'STORE_UNAVAILABLE',
      'STORE_UNAVAILABLE',
      'STORE_UNAVAILABLE',
    ]);
    // A dummy hash refused while the queue is full is not kept: once it drains, an unknown phone
    // is checked as usual, not refused for ever.
    const busy = Array.from({ length: 3 }, (_, i) => hasher.hash(`busy-${i}`));
    await expect(hasher.verifyNothing('x')).rejects.toMatchObject({ appCode: 'STORE_UNAVAILABLE' });
    await Promise.all(busy);
    expect(await hasher.verifyNothing('x')).toBe(false);
  }, 30_000);
});
