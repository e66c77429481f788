import { type AppErrorCode, appErrorCode, isAppError } from '@marketplace/client-sdk';

/**
 * What an operator reads when a call fails. The service's typed API speaks English; the codes an
 * operator can meet in the console are said in Chinese here (typed by the SDK's code list, so a
 * renamed code stops compiling). Others show the service's English message with their code.
 */
const chinese: Partial<Record<AppErrorCode, string>> = {
  VALIDATION_FAILED: '参数错误',
  UNAUTHENTICATED: '没有登录或登录已过期',
  ADMIN_ONLY: '仅限管理员',
  NOT_FOUND: '记录不存在',
  LOGIN_FAILED: '手机号或密码错误',
  LOGIN_LOCKED: '登录失败次数过多，请稍后再试',
  SMS_TOO_FREQUENT: '验证码发送过于频繁，请稍后再试',
  SMS_SEND_FAILED: '短信发送失败，请稍后再试',
  SMS_CODE_INVALID: '验证码错误或已过期',
  STORE_UNAVAILABLE: '服务暂时不可用，请稍后再试',
  VERIFICATION_NOT_PENDING: '该认证不在待审核状态（可能已被其他管理员处理）',
  DEMAND_NOT_PENDING: '该需求不在待审核状态（可能已被其他管理员处理）',
  BALANCE_TOO_LOW: '余额不足，不能提现这么多',
};

export function describeError(error: unknown): string {
  if (!isAppError(error)) return '无法连接服务，请检查网络后重试';
  const code = appErrorCode(error);
  const known = code ? chinese[code] : undefined;
  return known ?? `${error.message}（${code}）`;
}
