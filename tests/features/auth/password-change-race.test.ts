import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { markLegacyHash } from '../../../server/src/features/auth/legacy-passwords.js';
import { PasswordHasher } from '../../../server/src/features/auth/passwords.js';
import { checkFields, isSessionLive, loginByPassword, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { type LegacyAnswer, legacyPost } from '../../support/legacy-client.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/*
 * A password login reads the account's hash, then waits its turn for argon2 (one hash at a time per
 * instance, a queue of up to a hundred under load: seconds). A password reset or change that lands
 * in that wait ends "every session", yet the login then checks the old password against the hash
 * it read before and issued a session the change never saw: the attacker the owner was shutting
 * out stayed logged in. For an old backend's hash the login also wrote argon2id of the old
 * password over the new one, so the owner's new password stopped working and the old one was back.
 */
describe.each(backends)('a password login racing a password change ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const login = (phone: string, password: string) => loginByPassword(t, phone, password);
  const isLive = (token: string) => isSessionLive(t, token);

  /**
   * Starts a password login, lets `change` run to its end while the login waits for its password
   * check (after it read the account), then lets the login finish. Answers the login's answer.
   */
  async function loginDuring(phone: string, password: string, change: () => Promise<LegacyAnswer>) {
    const verify = PasswordHasher.prototype.verify;
    let reached!: () => void;
    const loginWaiting = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let changeDone!: () => void;
    const changed = new Promise<void>((resolve) => {
      changeDone = resolve;
    });
    vi.spyOn(PasswordHasher.prototype, 'verify').mockImplementationOnce(async function (
      this: PasswordHasher,
      stored,
      candidate,
    ) {
      reached();
      await changed;
      return verify.call(this, stored, candidate);
    });
    const loggingIn = login(phone, password);
    await loginWaiting;
    const answer = await change();
    expect(answer.body.res).toBe(1);
    changeDone();
    return loggingIn;
  }

  it('does not leave the login a session once a reset by SMS code has ended them all', async () => {
    const owner = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(owner), password: 'stolen-pass-1' });
    t.clock.advance(61_000);
    await legacyPost(t.app, '/index/api/sms', { phone: owner.phone }, 'json', { ip: owner.ip });
    const code = t.sms.lastCodeFor(owner.phone);

    const attacker = await loginDuring(owner.phone, 'stolen-pass-1', () =>
      legacyPost(
        t.app,
        '/index/api/getpwd',
        { user_id: owner.userId, code, newpwd: 'fresh-pass-2' },
        'json',
        { ip: owner.ip },
      ),
    );
    const data = attacker.body.data as { token?: string };
    if (attacker.body.res === 1 && data.token) {
      expect(await isLive(data.token), 'the login’s session outlived the reset').toBe(false);
    }
    expect(attacker.body).toEqual({ res: 0, err: '手机号或密码错误', data: '' });
    expect((await login(owner.phone, 'fresh-pass-2')).body.res).toBe(1);
  });

  it('does not leave the login a session once a change from the settings has ended the others', async () => {
    const owner = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(owner), password: 'stolen-pass-1' });
    const attacker = await loginDuring(owner.phone, 'stolen-pass-1', () =>
      legacyPost(t.app, '/user/info/editpassword', { ...checkFields(owner), password: 'fresh-pass-2' }),
    );
    const data = attacker.body.data as { token?: string };
    if (attacker.body.res === 1 && data.token) {
      expect(await isLive(data.token), 'the login’s session outlived the change').toBe(false);
    }
    expect(attacker.body).toEqual({ res: 0, err: '手机号或密码错误', data: '' });
    expect(await isLive(owner.token)).toBe(true);
  });

  it('does not write the old password back over a reset when the account had an old backend’s hash', async () => {
    const owner = await loginBySms(t);
    const md5 = createHash('md5').update('old-site-pass').digest('hex');
    await t.stores.database.db
      .updateTable('users')
      .set({ password_hash: markLegacyHash(md5) })
      .where('id', '=', owner.userId)
      .execute();
    t.clock.advance(61_000);
    await legacyPost(t.app, '/index/api/sms', { phone: owner.phone }, 'json', { ip: owner.ip });
    const code = t.sms.lastCodeFor(owner.phone);

    const attacker = await loginDuring(owner.phone, 'old-site-pass', () =>
      legacyPost(t.app, '/index/api/getpwd', { phone: owner.phone, code, newpwd: 'fresh-pass-2' }, 'json', {
        ip: owner.ip,
      }),
    );
    expect(attacker.body).toEqual({ res: 0, err: '手机号或密码错误', data: '' });
    expect((await login(owner.phone, 'fresh-pass-2')).body.res).toBe(1);
    expect((await login(owner.phone, 'old-site-pass')).body.res).toBe(0);
  });
});
