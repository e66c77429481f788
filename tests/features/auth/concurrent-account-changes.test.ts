import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, isSessionLive, loginByPassword, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/*
 * Two changes of one account at once, each answered as if it ran alone:
 * - a password reset and an SMS login sent the same code: the login took it and was given a
 *   session, and the reset, refused for the code, had ended every session before it lost, the
 *   login's new one included (res 1 and a token that is no login);
 * - two password changes from two sessions: each ended the other's session and both answered
 *   res 1, though one password was lost and the caller who set it was logged out.
 */
describe.each(backends)('changes of one account at once ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  const notLoggedIn = { res: 0, err: '没有登录或状态过期', data: '' };

  it('lets a reset and a login sharing a code do only what the one that took it answers', async () => {
    for (let round = 0; round < 3; round++) {
      const owner = await loginBySms(t);
      await legacyPost(t.app, '/user/info/editpassword', {
        ...checkFields(owner),
        password: 'before-pass-1',
      });
      t.clock.advance(61_000);
      await legacyPost(t.app, '/index/api/sms', { phone: owner.phone }, 'json', { ip: owner.ip });
      const code = t.sms.lastCodeFor(owner.phone);
      const [reset, login] = await Promise.all([
        legacyPost(t.app, '/index/api/getpwd', { phone: owner.phone, code, newpwd: 'after-pass-2' }, 'json', {
          ip: owner.ip,
        }),
        legacyPost(t.app, '/index/api/loginphone', { phone: owner.phone, smscode: code }, 'json', {
          ip: owner.ip,
        }),
      ]);
      expect([reset.body.res, login.body.res].sort()).toEqual([0, 1]);
      if (login.body.res === 1) {
        // The reset changed nothing: the login's session and the owner's stay, as does the password.
        expect(await isSessionLive(t, (login.body.data as { token: string }).token)).toBe(true);
        expect(await isSessionLive(t, owner.token)).toBe(true);
        expect((await loginByPassword(t, owner.phone, 'before-pass-1')).body.res).toBe(1);
      } else {
        expect(await isSessionLive(t, owner.token)).toBe(false);
        expect((await loginByPassword(t, owner.phone, 'after-pass-2')).body.res).toBe(1);
      }
    }
  });

  it('makes one of two password changes from two sessions, and tells the other to log in again', async () => {
    const first = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(first), password: 'shared-pass-0' });
    const other = await loginByPassword(t, first.phone, 'shared-pass-0');
    const second = { userId: first.userId, token: (other.body.data as { token: string }).token };

    const [a, b] = await Promise.all([
      legacyPost(t.app, '/user/info/editpassword', { ...checkFields(first), password: 'from-first-1' }),
      legacyPost(t.app, '/user/info/editpassword', { ...checkFields(second), password: 'from-second-2' }),
    ]);
    const answers = [a.body, b.body];
    expect(answers).toContainEqual({ res: 1, err: '', data: '' });
    expect(answers).toContainEqual(notLoggedIn);
    const [winner, password, loserPassword] =
      a.body.res === 1 ? [first, 'from-first-1', 'from-second-2'] : [second, 'from-second-2', 'from-first-1'];
    // The one told its password was set keeps its session, and its password is the account's.
    expect(await isSessionLive(t, winner.token)).toBe(true);
    expect((await loginByPassword(t, first.phone, password)).body.res).toBe(1);
    expect((await loginByPassword(t, first.phone, loserPassword)).body.res).toBe(0);
  });
});
