import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../server/src/db/transaction.js';
import { insertImportedSessions } from '../../../server/src/features/auth/imported-sessions.js';
import {
  maxSessionsPerUser,
  Sessions,
  sessionLifetimeMs,
} from '../../../server/src/features/auth/sessions.js';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe.each(backends)('tokens of the old backend ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  /** The auth feature's sessions over the app's store and clock, as the importer uses them. */
  const sessions = () => new Sessions(t.stores.kv, t.clock, t.config.appSecret);

  /** A user with an old token waiting in the database, as the importer leaves it. */
  async function withOldToken() {
    const user = await loginBySms(t);
    const token = `old-${user.userId}-${Math.random().toString(36).slice(2)}-token`;
    await inTransaction(t.stores.database.db, (tx) =>
      insertImportedSessions(tx, [sessions().importedSession(user.userId, token)]),
    );
    return { ...user, token, freshToken: user.token };
  }
  const info = (user: { userId: number }, token: string) =>
    legacyPost(t.app, '/user/info/info', { user_id_check: String(user.userId), token_check: token });

  it('are stored as keyed hashes only, and become sessions at their first use', async () => {
    const user = await withOldToken();
    const rows = await t.stores.database.db
      .selectFrom('imported_sessions')
      .select(['token_hash', 'expires_at'])
      .where('user_id', '=', user.userId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).not.toContain(user.token);
    expect(Number(rows[0]?.expires_at)).toBe(t.clock.now() + sessionLifetimeMs);

    expect((await info(user, user.token)).body.res).toBe(1);
    // Claimed: the row is gone, the session lives in the session store like any other.
    expect(
      await t.stores.database.db
        .selectFrom('imported_sessions')
        .select('user_id')
        .where('user_id', '=', user.userId)
        .execute(),
    ).toEqual([]);
    expect((await info(user, user.token)).body.res).toBe(1);
    await legacyPost(t.app, '/index/api/loginout', { id: user.userId, token: user.token });
    expect((await info(user, user.token)).body.res).toBe(0);
  });

  it('expire 30 days after the import, used or not', async () => {
    const unused = await withOldToken();
    const used = await withOldToken();
    expect((await info(used, used.token)).body.res).toBe(1);
    t.clock.advance(sessionLifetimeMs + 1000);
    expect((await info(unused, unused.token)).body.err).toBe('没有登录或状态过期');
    expect((await info(used, used.token)).body.err).toBe('没有登录或状态过期');
  });

  it('end with the password change of their user, used or not', async () => {
    const user = await withOldToken();
    const fresh = { userId: user.userId, token: user.freshToken };
    const changed = await legacyPost(t.app, '/user/info/editpassword', {
      user_id_check: String(fresh.userId),
      token_check: fresh.token,
      password: 'new-password-1',
    });
    expect(changed.body.res).toBe(1);
    expect((await info(user, user.token)).body.res).toBe(0);
    expect((await info(fresh, fresh.token)).body.res).toBe(1);
  });

  it('count toward the cap once adopted, ending the session expiring soonest', async () => {
    const user = await withOldToken();
    const others = [user.freshToken];
    for (let i = 1; i < maxSessionsPerUser; i++) {
      t.clock.advance(1000);
      others.push((await sessions().issue(user.userId)).token);
    }
    // Waiting in the database, the old token is not a session yet: all the others live.
    for (const token of others) expect(await sessions().resolve(token)).toBe(user.userId);

    // Adopted, it expires no later than any other (30 days after the import), yet, in use, it stays.
    expect((await info(user, user.token)).body.res).toBe(1);
    expect((await info(user, user.freshToken)).body.err).toBe('没有登录或状态过期');
    for (const token of others.slice(1)) expect(await sessions().resolve(token)).toBe(user.userId);
    expect(await t.stores.kv.setMembers(`user-sessions:${user.userId}`)).toHaveLength(maxSessionsPerUser);
  });
});
