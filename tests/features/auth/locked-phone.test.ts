import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginByPassword, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { randomIp, startTestApp, type TestApp } from '../../support/test-app.js';

const locked = { res: 0, err: '登录失败次数过多，请稍后再试', data: '' };

/*
 * A phone locked after five failures refuses every password, right or wrong, without checking it.
 * Those refusals still went to the address's failure cap: the owner of a phone someone else had
 * locked, retrying from the office or a carrier's shared address, used up that address's cap, and
 * everyone behind it was then refused password logins for the hour, their own phones never locked.
 */
describe.each(backends)('password logins refused for a locked phone ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { LIMIT_LOGIN_FAIL_PER_IP_HOUR: '7' });
  });
  afterAll(() => t.close());

  const login = (phone: string, password: string, ip: string) => loginByPassword(t, phone, password, ip);
  const withPassword = async (password: string) => {
    const session = await loginBySms(t);
    await legacyPost(t.app, '/user/info/editpassword', { ...checkFields(session), password });
    return session;
  };

  it('do not count against the address they come from', async () => {
    const victim = await withPassword('victim-pass-1');
    const colleague = await withPassword('colleague-pass-2');
    // Someone elsewhere locks the victim's phone.
    for (let i = 0; i < 5; i++) expect((await login(victim.phone, 'guess', randomIp())).body.res).toBe(0);

    const office = randomIp();
    for (let i = 0; i < 10; i++)
      expect((await login(victim.phone, 'victim-pass-1', office)).body).toEqual(locked);
    expect((await login(colleague.phone, 'colleague-pass-2', office)).body.res).toBe(1);
  });
});
