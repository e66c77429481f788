import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isAppError } from '../../../client-sdk/index.js';
import {
  maxSessionsPerUser,
  Sessions,
  sessionLifetimeMs,
} from '../../../server/src/features/auth/sessions.js';
import { runAdmin } from '../../support/admin-cli.js';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { listen, randomIp, randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';

const loggedOut = { res: 0, err: '没有登录或状态过期', data: '' };

describe.each(backends)('sessions and the typed API ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await listen(t);
  });
  afterAll(() => t.close());

  it('expires a token after 30 days', async () => {
    const session = await loginBySms(t);
    t.clock.advance(sessionLifetimeMs - 60_000);
    expect((await legacyPost(t.app, '/user/info/info', checkFields(session))).body.res).toBe(1);
    t.clock.advance(60_001);
    expect((await legacyPost(t.app, '/user/info/info', checkFields(session))).body).toEqual(loggedOut);
  });

  it('refuses a live token presented with another user id', async () => {
    const alice = await loginBySms(t);
    const bob = await loginBySms(t);
    const mixed = { user_id_check: String(bob.userId), token_check: alice.token };
    expect((await legacyPost(t.app, '/user/info/info', mixed)).body).toEqual(loggedOut);
    expect((await legacyPost(t.app, '/user/info/info', { token_check: alice.token })).body).toEqual(
      loggedOut,
    );
    expect(
      (await legacyPost(t.app, '/user/info/info', { user_id_check: String(alice.userId) })).body,
    ).toEqual(loggedOut);
    expect(
      (await legacyPost(t.app, '/user/info/info', { ...checkFields(alice), token_check: `${alice.token}x` }))
        .body,
    ).toEqual(loggedOut);
    // A logout ends the session of the token it presents, whatever id comes beside it (a stale one,
    // another user's, none): it answered res 1 and left the token live for its 30 days.
    t.clock.advance(61_000);
    const bobSession = await loginBySms(t, bob.phone);
    for (const id of [String(bob.userId), undefined]) {
      t.clock.advance(61_000);
      const session = await loginBySms(t, alice.phone);
      const out = await legacyPost(t.app, '/index/api/loginout', {
        ...(id ? { id } : {}),
        token: session.token,
      });
      expect(out.body).toEqual({ res: 1, err: '', data: '' });
      expect((await legacyPost(t.app, '/user/info/info', checkFields(session))).body).toEqual(loggedOut);
    }
    expect((await legacyPost(t.app, '/user/info/info', checkFields(alice))).body.res).toBe(1);
    expect((await legacyPost(t.app, '/user/info/info', checkFields(bobSession))).body.res).toBe(1);
  });

  it('ends the other sessions on a password change and keeps the current one', async () => {
    const first = await loginBySms(t);
    t.clock.advance(61_000);
    const second = await loginBySms(t, first.phone);
    const change = await legacyPost(t.app, '/user/info/editpassword', {
      ...checkFields(second),
      password: 'changed-pass',
    });
    expect(change.body.res).toBe(1);
    expect((await legacyPost(t.app, '/user/info/info', checkFields(first))).body).toEqual(loggedOut);
    expect((await legacyPost(t.app, '/user/info/info', checkFields(second))).body.res).toBe(1);
  });

  it('accepts the _check names on logout too', async () => {
    const session = await loginBySms(t);
    const out = await legacyPost(t.app, '/index/api/loginout', checkFields(session));
    expect(out.body.res).toBe(1);
    expect((await legacyPost(t.app, '/user/info/info', checkFields(session))).body).toEqual(loggedOut);
  });

  it('does not answer a logout done when its token is no text, which names no session to end', async () => {
    const session = await loginBySms(t);
    for (const token of [[session.token], { value: session.token }, 12345]) {
      const out = await legacyPost(t.app, '/index/api/loginout', { id: session.userId, token });
      expect(out.body, JSON.stringify(token)).toEqual(loggedOut);
    }
    expect((await legacyPost(t.app, '/user/info/info', checkFields(session))).body.res).toBe(1);
  });

  it('serves the typed client with a Bearer token from a getter, and types its errors', async () => {
    const phone = randomPhone();
    let token: string | undefined;
    const client = createClient({ url, token: () => token });
    await client.auth.requestSmsCode.mutate({ phone });
    const login = await client.auth.loginWithSmsCode.mutate({
      phone,
      code: t.sms.lastCodeFor(phone),
      userType: 'person',
    });
    token = login.token;
    // When the session ends at the latest, so an app can ask its user to log in again before then.
    expect(login.expiresAt).toBeInstanceOf(Date);
    expect(login.expiresAt.getTime()).toBe(t.clock.now() + sessionLifetimeMs);
    const me = await client.user.me.query();
    expect(me).toMatchObject({
      id: login.userId,
      phone,
      userType: 'person',
      verified: false,
      isAdmin: false,
    });
    expect(me.createdAt).toBeInstanceOf(Date);

    await client.auth.logout.mutate();
    const failure = await client.user.me.query().catch((e: unknown) => e);
    expect(isAppError(failure, 'UNAUTHENTICATED')).toBe(true);

    const invalid = await client.auth.requestSmsCode.mutate({ phone: '12' }).catch((e: unknown) => e);
    expect(isAppError(invalid, 'VALIDATION_FAILED')).toBe(true);
    expect((invalid as Error).message).toContain('phone');
  });

  it('refuses an unknown phone instead of registering it when asked to, once the code is right', async () => {
    const client = createClient({ url });
    const phone = randomPhone();
    const accountsOf = (p: string) =>
      t.stores.database.db.selectFrom('users').select('id').where('phone', '=', p).execute();

    await client.auth.requestSmsCode.mutate({ phone });
    const code = t.sms.lastCodeFor(phone);
    // A wrong code answers as for any phone: the refusal tells only the phone's owner.
    const wrong = await client.auth.loginWithSmsCode
      .mutate({ phone, code: code === '000000' ? '111111' : '000000', register: false })
      .catch((e: unknown) => e);
    expect(isAppError(wrong, 'SMS_CODE_INVALID')).toBe(true);
    const unknown = await client.auth.loginWithSmsCode
      .mutate({ phone, code, register: false })
      .catch((e: unknown) => e);
    expect(isAppError(unknown, 'ACCOUNT_NOT_FOUND')).toBe(true);
    expect(await accountsOf(phone)).toEqual([]);
    // The code is not spent on the refusal: told the phone has no account, its owner may register
    // with the same code (before, it was used up and the owner waited a minute for another).
    const registered = await client.auth.loginWithSmsCode.mutate({ phone, code });
    expect(await accountsOf(phone)).toEqual([{ id: registered.userId }]);
    // And used by that login, as any code.
    const again = await client.auth.loginWithSmsCode.mutate({ phone, code }).catch((e: unknown) => e);
    expect(isAppError(again, 'SMS_CODE_INVALID')).toBe(true);

    // A known phone logs in as before, and the legacy door still registers new phones.
    const known = await loginBySms(t);
    t.clock.advance(61_000);
    await client.auth.requestSmsCode.mutate({ phone: known.phone });
    const login = await client.auth.loginWithSmsCode.mutate({
      phone: known.phone,
      code: t.sms.lastCodeFor(known.phone),
      register: false,
    });
    expect(login.userId).toBe(known.userId);
    expect(await accountsOf(known.phone)).toEqual([{ id: known.userId }]);
  });

  it('keeps admin procedures to admins; create-admin makes one', async () => {
    const user = await loginBySms(t);
    const asUser = createClient({ url, token: user.token });
    const refused = await asUser.user.byPhone.query({ phone: user.phone }).catch((e: unknown) => e);
    expect(isAppError(refused, 'ADMIN_ONLY')).toBe(true);

    const adminPhone = randomPhone();
    const message = await runAdmin(t, 'create-admin', { phone: adminPhone, password: 'admin-pass-1' });
    expect(message).toContain(adminPhone);
    const login = await legacyPost(
      t.app,
      '/index/api/loginpassword',
      { phone: adminPhone, password: 'admin-pass-1' },
      'json',
      {
        ip: randomIp(),
      },
    );
    const asAdmin = createClient({ url, token: (login.body.data as { token: string }).token });
    expect(await asAdmin.user.byPhone.query({ phone: user.phone })).toMatchObject({
      id: user.userId,
      phone: user.phone,
    });
    expect(await asAdmin.user.byPhone.query({ phone: randomPhone() })).toBeNull();
  });

  it('refuses create-admin with a bad phone or a short password', async () => {
    const run = (values: Record<string, unknown>) => runAdmin(t, 'create-admin', values);
    await expect(run({ phone: '123', password: 'admin-pass-1' })).rejects.toThrow(/--phone/);
    await expect(run({ phone: randomPhone(), password: '123' })).rejects.toThrow(/--password/);
  });

  it('answers GET /trpc queries with the token in the Authorization header only', async () => {
    const session = await loginBySms(t);
    const asQuery = await t.app.inject({ method: 'GET', url: `/trpc/user.me?token=${session.token}` });
    expect(asQuery.statusCode).toBe(401);
    const withHeader = await t.app.inject({
      method: 'GET',
      url: '/trpc/user.me',
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(withHeader.statusCode).toBe(200);
    expect(withHeader.json().result.data.json.id).toBe(session.userId);
  });
});

describe.each(backends)('the sessions one user holds ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await listen(t);
  });
  afterAll(() => t.close());

  /** The app's sessions, over its store, clock and secret: tokens issued here log in there. */
  const sessions = () => new Sessions(t.stores.kv, t.clock, t.config.appSecret);
  const membersOf = (userId: number) => t.stores.kv.setMembers(`user-sessions:${userId}`);
  const info = (userId: number, token: string) =>
    legacyPost(t.app, '/user/info/info', checkFields({ userId, token }));

  /** `count` more sessions of the user, a second apart, so each expires after the ones before it. */
  async function issueMore(userId: number, count: number): Promise<string[]> {
    const tokens: string[] = [];
    for (let i = 0; i < count; i++) {
      t.clock.advance(1000);
      tokens.push((await sessions().issue(userId)).token);
    }
    return tokens;
  }

  it('ends the session expiring soonest when one more than the cap is issued', async () => {
    const first = await loginBySms(t);
    const later = await issueMore(first.userId, maxSessionsPerUser);

    expect((await info(first.userId, first.token)).body).toEqual(loggedOut);
    const failure = await createClient({ url, token: first.token })
      .user.me.query()
      .catch((e: unknown) => e);
    expect(isAppError(failure, 'UNAUTHENTICATED')).toBe(true);
    for (const token of later) expect(await sessions().resolve(token)).toBe(first.userId);
    expect((await info(first.userId, later[0] as string)).body.res).toBe(1);
    expect(await membersOf(first.userId)).toHaveLength(maxSessionsPerUser);
  });

  it('keeps the per-user set to the live sessions, at most the cap, however many logins', async () => {
    const user = await loginBySms(t);
    // Five logins a day for two months: 300 sessions issued, 150 of them within any 30 days.
    let latest: string[] = [];
    for (let day = 0; day < 60; day++) {
      latest = await issueMore(user.userId, 5);
      expect((await membersOf(user.userId)).length).toBeLessThanOrEqual(maxSessionsPerUser);
      t.clock.advance(24 * 60 * 60 * 1000);
    }
    for (const token of latest) expect(await sessions().resolve(token)).toBe(user.userId);

    // Below the cap too, expired members go at the next login...
    t.clock.advance(sessionLifetimeMs);
    const fresh = await issueMore(user.userId, 1);
    expect(await membersOf(user.userId)).toHaveLength(1);
    // ...and so do members whose session is gone from the store some other way.
    fresh.push(...(await issueMore(user.userId, 2)));
    const [vanished] = await membersOf(user.userId);
    await t.stores.kv.delete(`session:${vanished}`);
    fresh.push(...(await issueMore(user.userId, 1)));
    const members = await membersOf(user.userId);
    expect(members).toHaveLength(3);
    expect(members).not.toContain(vanished);
    const resolved = await Promise.all(fresh.map((token) => sessions().resolve(token)));
    expect(resolved.filter((id) => id === user.userId)).toHaveLength(3);
  });

  it('still ends every other session on a password change', async () => {
    const user = await loginBySms(t);
    const others = await issueMore(user.userId, maxSessionsPerUser + 5);
    const kept = others.at(-1) as string;
    const change = await legacyPost(t.app, '/user/info/editpassword', {
      ...checkFields({ userId: user.userId, token: kept }),
      password: 'changed-pass',
    });
    expect(change.body.res).toBe(1);
    for (const token of [user.token, ...others.slice(0, -1)]) {
      expect(await sessions().resolve(token)).toBeNull();
    }
    expect((await info(user.userId, kept)).body.res).toBe(1);
    expect(await membersOf(user.userId)).toHaveLength(1);
  });
});
