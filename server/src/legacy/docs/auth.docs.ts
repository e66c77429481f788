import { legacyDocs } from './types.js';

const phone = {
  type: 'text',
  en: 'Mainland mobile number: 1, then 3–9, then nine digits.',
  example: '13800138000',
} as const;

/** `/index/api/*` login and password routes, and the password change of `/user/info/*`. */
export const authDocs = legacyDocs({
  '/index/api/sms': {
    summary: { zh: '短信验证码', en: 'Send a login code by SMS' },
    description:
      'Texts a 6-digit code, valid for a few minutes. Known and unknown phones answer alike. ' +
      'Limited per phone (1 a minute, 5 an hour, 10 a day) and per client IP.',
    fields: { phone },
    example: { request: { phone: '13800138000' }, live: async (w) => ({ phone: w.freshPhone() }) },
  },
  '/index/api/loginphone': {
    summary: { zh: '手机号用户登录', en: 'Log in (or register) with an SMS code' },
    description: 'A phone seen for the first time registers, as `usertype` when given.',
    fields: {
      phone,
      smscode: { type: 'text', en: 'The 6-digit code texted by /index/api/sms.', example: '428617' },
      usertype: {
        type: 'code',
        en: 'Account type, used only when this phone registers.',
        codes: { 1: 'person', 2: 'company' },
        example: 1,
      },
    },
    example: {
      request: { phone: '13800138000', smscode: '428617', usertype: 1 },
      live: async (w) => {
        const sent = await w.smsCode();
        return { phone: sent.phone, smscode: sent.code };
      },
    },
  },
  '/index/api/loginpassword': {
    summary: { zh: '密码用户登录', en: 'Log in with a password' },
    description: 'Repeated failures lock the phone for a while (5 per 15 minutes) and count per client IP.',
    fields: {
      phone,
      password: { type: 'text', zh: '密码', en: 'The account password.', example: 'my-secret-2026' },
    },
    example: {
      request: { phone: '13800138000', password: 'my-secret-2026' },
      live: async (w) => {
        const account = await w.passwordAccount();
        return { phone: account.phone, password: account.password };
      },
    },
  },
  '/index/api/loginout': {
    summary: { zh: '用户退出登录', en: 'Log out' },
    description:
      'Ends the session of `token`. Idempotent: an unknown or expired token is already logged out. ' +
      'The deployed client sends `id` and `token`; `user_id_check` and `token_check` work too.',
    fields: {
      id: { type: 'integer', zh: '用户user_id', en: 'The user id.', required: true, example: '7' },
      token: {
        type: 'text',
        zh: '用户TOKEN',
        en: 'The token to end.',
        required: true,
        example: 'q8v0Yk3mJ9',
      },
      user_id_check: { type: 'integer', zh: '用户ID', en: 'Same as `id`, the newer name.', aliasOf: 'id' },
      token_check: {
        type: 'text',
        zh: '用户TOKEN',
        en: 'Same as `token`, the newer name.',
        aliasOf: 'token',
      },
    },
    example: {
      request: { id: '7', token: 'q8v0Yk3mJ9xWc2Lh5RtN1pZa7EoUbFgD4sKiQyTw6Xn' },
      live: async (w) => ({ id: String(w.worker.userId), token: w.worker.token }),
    },
  },
  '/index/api/getpwd': {
    summary: { zh: '用户密码找回', en: 'Reset a forgotten password with an SMS code' },
    description:
      'Request a code with /index/api/sms first. Names the account by `user_id` or `phone`. Every session ' +
      'of the account ends.',
    fields: {
      code: { type: 'text', en: 'The 6-digit code texted to the account’s phone.', example: '428617' },
      user_id: { type: 'integer', en: 'The account, by id (or give `phone`).', example: 7 },
      id: { type: 'integer', zh: '用户ID', en: 'Same as `user_id`.', aliasOf: 'user_id' },
      phone: { ...phone, en: 'The account, by phone (or give `user_id`).' },
      newpwd: {
        type: 'text',
        en: 'The new password: 6–64 printable ASCII characters.',
        example: 'new-secret-2026',
      },
    },
    example: {
      request: { user_id: 7, code: '428617', newpwd: 'new-secret-2026' },
      live: async (w) => {
        const account = await w.passwordAccount();
        const sent = await w.smsCode(account.phone);
        return { user_id: account.userId, code: sent.code };
      },
    },
  },
  '/user/info/editpassword': {
    summary: { zh: '用户密码修改', en: 'Change the password' },
    description: 'Every other session of the user ends; this one stays.',
    fields: {
      password: {
        type: 'text',
        zh: '新密码',
        en: 'The new password: 6–64 printable ASCII characters.',
        example: 'new-secret-2026',
      },
    },
    example: { request: { password: 'new-secret-2026' } },
  },
});
