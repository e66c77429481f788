import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../server/src/errors.js';
import { markLegacyHash } from '../../../server/src/features/auth/legacy-passwords.js';
import { PasswordHasher } from '../../../server/src/features/auth/passwords.js';
import { checkFields, loginByPassword, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { randomIp, startTestApp, type TestApp } from '../../support/test-app.js';

/*
 * Past its bound of hashes waiting, the password hasher refuses a login at once (STORE_UNAVAILABLE:
 * try again), before anything is checked. Those attempts kept their place in the phone's five
 * failures and the address's cap, so a user retrying the right password through a burst of
 * traffic was then told 登录失败次数过多 for 15 minutes, with nothing ever checked.
 */
describe.each(backends)('password logins the busy hasher refused ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { LIMIT_LOGIN_FAIL_PER_IP_HOUR: '5' });
  });
  afterAll(() => t.close());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const login = (phone: string, password: string, ip: string) => loginByPassword(t, phone, password, ip);

  it('count as no failure, for the phone or the address', async () => {
    const owner = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(owner), password: 'right-pass-1' });
    const ip = randomIp();
    // What PasswordHasher's queue answers past its bound (password-work.test.ts fills a real one).
    const busy = vi
      .spyOn(PasswordHasher.prototype, 'verify')
      .mockRejectedValue(new AppError('STORE_UNAVAILABLE'));
    for (let i = 0; i < 6; i++) {
      const refused = await login(owner.phone, 'right-pass-1', ip);
      expect(refused.body).toEqual({ res: 0, err: '服务暂时不可用，请稍后再试', data: '' });
    }
    busy.mockRestore();
    expect((await login(owner.phone, 'right-pass-1', ip)).body.res).toBe(1);
  });

  it("lets in the right password of an old backend's hash whose upgrade it refused, and upgrades it later", async () => {
    const owner = await loginBySms(t);
    const oldHash = markLegacyHash(createHash('md5').update('old-site-pass').digest('hex'));
    const users = t.stores.database.db.updateTable('users').where('id', '=', owner.userId);
    await users.set({ password_hash: oldHash }).execute();
    const storedHash = async () =>
      (
        await t.stores.database.db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', owner.userId)
          .executeTakeFirstOrThrow()
      ).password_hash;

    const busy = vi
      .spyOn(PasswordHasher.prototype, 'hash')
      .mockRejectedValueOnce(new AppError('STORE_UNAVAILABLE'));
    expect((await login(owner.phone, 'old-site-pass', randomIp())).body.res).toBe(1);
    expect(await storedHash()).toBe(oldHash);
    busy.mockRestore();
    expect((await login(owner.phone, 'old-site-pass', randomIp())).body.res).toBe(1);
    expect(await storedHash()).toMatch(/^\$argon2id\$/);
  });
});

/*
 * A reset used up its SMS code before hashing the new password; refused there (too many hashes
 * waiting), it answered 服务暂时不可用，请稍后再试, and the retry it asked for was told the code was
 * wrong: the user had to wait for, and spend, another of the phone's few texts an hour.
 */
describe.each(backends)('a password reset the busy hasher refused ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('keeps its code for the retry', async () => {
    const owner = await loginBySms(t);
    t.clock.advance(61_000);
    await legacyPost(t.app, '/index/api/sms', { phone: owner.phone }, 'json', { ip: owner.ip });
    const fields = { user_id: owner.userId, code: t.sms.lastCodeFor(owner.phone), newpwd: 'fresh-pass-2' };

    const busy = vi
      .spyOn(PasswordHasher.prototype, 'hash')
      .mockRejectedValueOnce(new AppError('STORE_UNAVAILABLE'));
    const refused = await legacyPost(t.app, '/index/api/getpwd', fields, 'json', { ip: owner.ip });
    expect(refused.body).toEqual({ res: 0, err: '服务暂时不可用，请稍后再试', data: '' });
    busy.mockRestore();

    const retried = await legacyPost(t.app, '/index/api/getpwd', fields, 'json', { ip: owner.ip });
    expect(retried.body).toEqual({ res: 1, err: '', data: '' });
    const login = await legacyPost(t.app, '/index/api/loginpassword', {
      phone: owner.phone,
      password: 'fresh-pass-2',
    });
    expect(login.body.res).toBe(1);
    // Used now: once only.
    expect((await legacyPost(t.app, '/index/api/getpwd', fields, 'json', { ip: owner.ip })).body.err).toBe(
      '验证码错误或已过期',
    );
  });
});
