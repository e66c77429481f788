import { userTypeLabels } from '../codecs/labels.js';
import { encodeLogin } from '../codecs/user.js';
import { enumCode, firstOf, integer, text } from '../codecs/values.js';
import { legacyRoute, noData, sessionFields } from '../route.js';

/** `/index/api/*` login routes and the password change of `/user/info/*`, which belong to auth. */
export const authRoutes = [
  legacyRoute({
    path: '/index/api/sms',
    labels: { phone: '手机号码' },
    decode: (f) => ({ phone: text(f.phone) }),
    call: (api, input) => api.auth.requestSmsCode(input),
    encode: noData,
  }),
  legacyRoute({
    path: '/index/api/loginphone',
    labels: { phone: '手机号码', code: '验证码', userType: '用户类型' },
    decode: (f) => ({
      phone: text(f.phone),
      code: text(f.smscode),
      userType: enumCode(f.usertype, { 1: 'person', 2: 'company' } as const, {
        [userTypeLabels.person]: 'person',
        [userTypeLabels.company]: 'company',
      }),
    }),
    call: (api, input) => api.auth.loginWithSmsCode(input),
    encode: encodeLogin,
  }),
  legacyRoute({
    path: '/index/api/loginpassword',
    labels: { phone: '手机号码', password: '密码' },
    decode: (f) => ({ phone: text(f.phone), password: text(f.password) }),
    call: (api, input) => api.auth.loginWithPassword(input),
    encode: encodeLogin,
  }),
  legacyRoute({
    path: '/index/api/loginout',
    labels: {},
    // The deployed client sends `id` and `token`; newer screens send the `_check` names.
    credentials: (f) => {
      const names =
        f.token !== undefined ? (['id', 'token'] as const) : (['user_id_check', 'token_check'] as const);
      return sessionFields(f, ...names);
    },
    decode: () => undefined,
    call: (api) => api.auth.logout(),
    encode: noData,
  }),
  legacyRoute({
    path: '/index/api/getpwd',
    labels: { code: '短信验证码', userId: '用户ID', phone: '手机号码', newPassword: '新密码' },
    decode: (f) => ({
      code: text(f.code),
      userId: integer(firstOf(f, 'user_id', 'id')),
      phone: text(firstOf(f, 'phone')),
      newPassword: text(f.newpwd),
    }),
    call: (api, input) => api.auth.resetPassword(input),
    encode: noData,
  }),
  legacyRoute({
    path: '/user/info/editpassword',
    labels: { newPassword: '新密码' },
    decode: (f) => ({ newPassword: text(f.password) }),
    call: (api, input) => api.auth.changePassword(input),
    encode: noData,
  }),
];
