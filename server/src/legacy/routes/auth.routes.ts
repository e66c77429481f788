import { AppError } from '../../errors.js';
import * as fields from '../../fields.js';
import { encodeLogin } from '../codecs/user.js';
import { registrationTypes } from '../enums.js';
import { enumKind, kinds } from '../fields.js';
import { type LegacyRoute, legacyRoute, noData } from '../route.js';

const phone = {
  to: 'phone',
  label: '手机号码',
  kind: kinds.phone,
  en: 'Mainland mobile number: 1, then 3–9, then nine digits.',
  example: '13800138000',
} as const;
const newPassword = {
  to: 'newPassword',
  label: '新密码',
  kind: kinds.text,
  en: 'The new password: 6–64 printable ASCII characters.',
  example: 'new-secret-2026',
} as const;

/** `/index/api/*` login routes and the password change of `/user/info/*`, which belong to auth. */
export const authRoutes: LegacyRoute[] = [
  legacyRoute({
    path: '/index/api/sms',
    summary: { zh: '短信验证码', en: 'Send a login code by SMS' },
    description:
      'Texts a 6-digit code, valid for a few minutes. Known and unknown phones answer alike. ' +
      'Limited per phone (1 a minute, 5 an hour, 10 a day) and per client IP.',
    auth: 'none',
    fields: { phone },
    procedure: 'auth.requestSmsCode',
    encode: noData,
    example: { request: { phone: '13800138000' }, live: async (w) => ({ phone: w.freshPhone() }) },
  }),
  legacyRoute({
    path: '/index/api/loginphone',
    summary: { zh: '手机号用户登录', en: 'Log in (or register) with an SMS code' },
    description:
      'A phone seen for the first time registers, as `usertype` when given. A code allows five wrong ' +
      'tries; wrong codes also count per client IP (with those of /index/api/getpwd), and past that cap ' +
      'every code is refused for a while, right or wrong.',
    auth: 'none',
    fields: {
      phone,
      smscode: {
        to: 'code',
        label: '验证码',
        kind: kinds.smsCode,
        en: 'The 6-digit code texted by /index/api/sms.',
        example: '428617',
      },
      usertype: {
        to: 'userType',
        label: '用户类型',
        kind: enumKind(registrationTypes),
        en: 'Account type, used only when this phone registers.',
        example: 1,
      },
    },
    procedure: 'auth.loginWithSmsCode',
    encode: encodeLogin,
    example: {
      request: { phone: '13800138000', smscode: '428617', usertype: 1 },
      live: async (w) => {
        const sent = await w.smsCode();
        return { phone: sent.phone, smscode: sent.code };
      },
    },
  }),
  legacyRoute({
    path: '/index/api/loginpassword',
    summary: { zh: '密码用户登录', en: 'Log in with a password' },
    description:
      'Repeated failures lock the phone for a while (5 per 15 minutes) and count per client IP. Setting a ' +
      'new password (/index/api/getpwd, /user/info/editpassword) lifts the phone’s lock. A phone takes at ' +
      'most 20 password logins an hour, right ones (wrong ones count only as failures).',
    auth: 'none',
    fields: {
      phone,
      password: {
        to: 'password',
        label: '密码',
        kind: kinds.text,
        en: 'The account password.',
        example: 'my-secret-2026',
      },
    },
    procedure: 'auth.loginWithPassword',
    encode: encodeLogin,
    example: {
      request: { phone: '13800138000', password: 'my-secret-2026' },
      live: async (w) => {
        const account = await w.passwordAccount();
        return { phone: account.phone, password: account.password };
      },
    },
  }),
  legacyRoute({
    path: '/index/api/loginout',
    summary: { zh: '用户退出登录', en: 'Log out' },
    description:
      'Ends the session of `token`, whatever `id` comes beside it: holding the token is the proof. ' +
      'Idempotent: an unknown or expired token is already logged out; a `token` that is no text (a list) ' +
      'names no session and is answered `没有登录或状态过期`. The deployed client sends `id` and ' +
      '`token`; `user_id_check` and `token_check` work too.',
    auth: 'token',
    login: { userId: ['id', 'user_id_check'], token: ['token', 'token_check'], userIdLabel: '用户user_id' },
    fields: {},
    procedure: 'auth.logout',
    encode: noData,
    example: {
      request: { id: '7', token: 'q8v0Yk3mJ9xWc2Lh5RtN1pZa7EoUbFgD4sKiQyTw6Xn' },
      live: async (w) => ({ id: String(w.worker.userId), token: w.worker.token }),
    },
  }),
  legacyRoute({
    path: '/index/api/getpwd',
    summary: { zh: '用户密码找回', en: 'Reset a forgotten password with an SMS code' },
    description:
      'Request a code with /index/api/sms first. Names the account by `user_id` or `phone`. Every session ' +
      'of the account ends. Wrong codes count per client IP like those of /index/api/loginphone.',
    auth: 'none',
    fields: {
      code: {
        to: 'code',
        label: '短信验证码',
        kind: kinds.smsCode,
        en: 'The 6-digit code texted to the account’s phone.',
        example: '428617',
      },
      user_id: {
        to: 'userId',
        label: '用户ID',
        kind: kinds.integer,
        en: 'The account, by id (or give `phone`); also accepted as `id`.',
        example: 7,
        aliases: ['id'],
      },
      phone: { ...phone, en: 'The account, by phone (or give `user_id`).' },
      newpwd: newPassword,
    },
    procedure: 'auth.resetPassword',
    // The old API names the account by id; the typed one by phone, which the code was texted to.
    async prepare({ userId, ...sent }, context) {
      // A phone box left empty beside the id names nothing (CONTRACT.md §4: blank is not given);
      // taken as a phone, it would disagree with the id and refuse even the right code.
      const input = isBlank(sent.phone) ? withoutPhone(sent) : sent;
      // A phone that is no phone is refused as one (手机号码格式错误), not compared with the id's.
      if (
        userId === undefined ||
        (input.phone !== undefined && !fields.phone.safeParse(input.phone).success)
      ) {
        return input;
      }
      if (!Number.isSafeInteger(userId)) {
        throw new AppError('VALIDATION_FAILED', { fieldProblem: { field: 'userId', problem: 'invalid' } });
      }
      const phoneOfId = await context.services.users.phoneOf(Number(userId));
      // An unknown account, or an id and a phone that disagree, answer like a wrong code, and count
      // like one against the client's cap: a client over it must not learn which ids exist.
      if (!phoneOfId || (input.phone !== undefined && input.phone !== phoneOfId)) {
        return context.services.auth.refuseReset(context.ip);
      }
      return { ...input, phone: phoneOfId };
    },
    encode: noData,
    example: {
      request: { user_id: 7, code: '428617', newpwd: 'new-secret-2026' },
      live: async (w) => {
        const account = await w.passwordAccount();
        const sent = await w.smsCode(account.phone);
        return { user_id: account.userId, code: sent.code };
      },
    },
  }),
  legacyRoute({
    path: '/user/info/editpassword',
    summary: { zh: '用户密码修改', en: 'Change the password' },
    description:
      'Every other session of the user ends; this one stays. At most 10 changes per account an hour.',
    auth: 'session',
    fields: { password: newPassword },
    procedure: 'auth.changePassword',
    encode: noData,
    example: { request: { password: 'new-secret-2026' } },
  }),
];

const isBlank = (value: unknown) => typeof value === 'string' && value.trim() === '';

function withoutPhone({ phone: _phone, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return rest;
}
