import { runAdmin } from './admin-cli.js';
import { legacyPost } from './legacy-client.js';
import type { TestApp } from './test-app.js';
import { randomIp, randomPhone } from './test-app.js';

/** Registers (or logs in) a phone through the legacy SMS routes, as the deployed client does. */
export async function loginBySms(t: TestApp, phone = randomPhone(), usertype?: number) {
  const ip = randomIp();
  const sent = await legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip });
  if (sent.body.res !== 1) throw new Error(`sms failed: ${sent.body.err}`);
  const login = await legacyPost(
    t.app,
    '/index/api/loginphone',
    { phone, smscode: t.sms.lastCodeFor(phone), ...(usertype ? { usertype } : {}) },
    'json',
    { ip },
  );
  if (login.body.res !== 1) throw new Error(`login failed: ${login.body.err}`);
  const data = login.body.data as { user_id: number; token: string };
  return { phone, userId: data.user_id, token: data.token, ip };
}

/** A password login through the legacy route, by default from an address of its own (no shared IP cap). */
export const loginByPassword = (t: TestApp, phone: string, password: string, ip = randomIp()) =>
  legacyPost(t.app, '/index/api/loginpassword', { phone, password }, 'json', { ip });

/** Whether the token still logs in (a typed call that needs a session answers 200). */
export async function isSessionLive(t: TestApp, token: string): Promise<boolean> {
  const answer = await t.app.inject({
    method: 'GET',
    url: '/trpc/user.me',
    headers: { authorization: `Bearer ${token}` },
  });
  return answer.statusCode === 200;
}

/** The credential fields every `/user/*` route takes, as strings like localStorage gives them. */
export const checkFields = (session: { userId: number; token: string }) => ({
  user_id_check: String(session.userId),
  token_check: session.token,
});

/** An admin made with the CLI, logged in by password like an operator would. */
export async function adminSession(t: TestApp) {
  const phone = randomPhone();
  await runAdmin(t, 'create-admin', { phone, password: 'admin-pass-1' });
  const login = await loginByPassword(t, phone, 'admin-pass-1');
  const data = login.body.data as { user_id: number; token: string };
  return { userId: data.user_id, token: data.token, phone };
}
