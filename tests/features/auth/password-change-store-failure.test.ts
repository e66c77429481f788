import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../server/src/errors.js';
import { Sessions } from '../../../server/src/features/auth/sessions.js';
import { checkFields, isSessionLive, loginByPassword, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/*
 * A password change or reset stored the new password, then ended the account's sessions in Redis.
 * With Redis failing at that step the owner was told 服务暂时不可用 while the new password was in
 * place and the sessions of whoever knew the old one went on; a reset had also used up its code, so
 * its retry was told the code was wrong. The sessions now end first: failing there changes nothing.
 */
describe.each(backends)('a password change when ending the sessions fails ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const unavailable = { res: 0, err: '服务暂时不可用，请稍后再试', data: '' };
  const login = (phone: string, password: string) => loginByPassword(t, phone, password);
  const isLive = (token: string) => isSessionLive(t, token);
  const storeFailsOnce = () =>
    vi.spyOn(Sessions.prototype, 'revokeAllOf').mockRejectedValueOnce(new AppError('STORE_UNAVAILABLE'));

  /** An account with password `old-pass-1`, and a session someone else opened with it. */
  async function accountWithIntruder() {
    const owner = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(owner), password: 'old-pass-1' });
    const intruder = await login(owner.phone, 'old-pass-1');
    expect(intruder.body.res).toBe(1);
    const token = (intruder.body.data as { token: string }).token;
    return { owner, intruderToken: token };
  }

  it('changes nothing when logged in (editpassword), and the retry ends the other sessions', async () => {
    const { owner, intruderToken } = await accountWithIntruder();
    const change = () =>
      legacyPost(t.app, '/user/info/editpassword', { ...checkFields(owner), password: 'new-pass-2' });

    storeFailsOnce();
    expect((await change()).body).toEqual(unavailable);
    expect((await login(owner.phone, 'old-pass-1')).body.res).toBe(1);
    expect((await login(owner.phone, 'new-pass-2')).body.res).toBe(0);
    expect(await isLive(intruderToken)).toBe(true);

    expect((await change()).body.res).toBe(1);
    expect(await isLive(intruderToken)).toBe(false);
    expect(await isLive(owner.token)).toBe(true);
    expect((await login(owner.phone, 'new-pass-2')).body.res).toBe(1);
  });

  it('changes nothing and keeps the code when reset by SMS code (getpwd), and the retry ends every session', async () => {
    const { owner, intruderToken } = await accountWithIntruder();
    t.clock.advance(61_000);
    await legacyPost(t.app, '/index/api/sms', { phone: owner.phone }, 'json', { ip: owner.ip });
    const fields = { phone: owner.phone, code: t.sms.lastCodeFor(owner.phone), newpwd: 'new-pass-3' };
    const reset = () => legacyPost(t.app, '/index/api/getpwd', fields, 'json', { ip: owner.ip });

    storeFailsOnce();
    expect((await reset()).body).toEqual(unavailable);
    expect((await login(owner.phone, 'old-pass-1')).body.res).toBe(1);
    expect(await isLive(intruderToken)).toBe(true);

    expect((await reset()).body).toEqual({ res: 1, err: '', data: '' });
    expect(await isLive(intruderToken)).toBe(false);
    expect((await login(owner.phone, 'new-pass-3')).body.res).toBe(1);
    expect((await login(owner.phone, 'old-pass-1')).body.res).toBe(0);
  });
});
