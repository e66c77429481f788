import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

interface ErrorDefinition {
  readonly trpc: TRPC_ERROR_CODE_KEY;
  readonly en: string;
  readonly zh: string;
}

/**
 * The one table of failures. Each code carries its tRPC code (and so its HTTP status on /trpc),
 * the English message of the typed API and the Chinese message the legacy clients show.
 */
export const errorTable = {
  VALIDATION_FAILED: { trpc: 'BAD_REQUEST', en: 'Invalid input', zh: '参数错误' },
  UNAUTHENTICATED: {
    trpc: 'UNAUTHORIZED',
    en: 'Not logged in or the session expired',
    zh: '没有登录或状态过期',
  },
  ADMIN_ONLY: { trpc: 'FORBIDDEN', en: 'Only administrators may do this', zh: '没有权限' },
  NOT_FOUND: { trpc: 'NOT_FOUND', en: 'Not found', zh: '记录不存在' },
  PHONE_INVALID: {
    trpc: 'BAD_REQUEST',
    en: 'Phone must be a mainland mobile number',
    zh: '手机号码格式错误',
  },
  SMS_TOO_FREQUENT: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many codes requested; try again later',
    zh: '验证码发送过于频繁，请稍后再试',
  },
  SMS_SEND_FAILED: {
    trpc: 'INTERNAL_SERVER_ERROR',
    en: 'The SMS could not be sent',
    zh: '短信发送失败，请稍后再试',
  },
  SMS_CODE_INVALID: { trpc: 'BAD_REQUEST', en: 'Wrong or expired code', zh: '验证码错误或已过期' },
  LOGIN_FAILED: { trpc: 'UNAUTHORIZED', en: 'Wrong phone or password', zh: '手机号或密码错误' },
  LOGIN_LOCKED: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many failed logins; try again later',
    zh: '登录失败次数过多，请稍后再试',
  },
  STORE_UNAVAILABLE: {
    trpc: 'SERVICE_UNAVAILABLE',
    en: 'Service temporarily unavailable',
    zh: '服务暂时不可用，请稍后再试',
  },
  INTERNAL: { trpc: 'INTERNAL_SERVER_ERROR', en: 'Internal server error', zh: '服务器内部错误' },
} as const satisfies Record<string, ErrorDefinition>;

export type AppErrorCode = keyof typeof errorTable;

/** Which input field a validation failure is about, for messages that name the field. */
export interface FieldProblem {
  readonly field: string;
  readonly problem: 'missing' | 'invalid' | 'tooLong' | 'tooShort' | 'tooLarge' | 'tooSmall';
  readonly limit?: number;
}

export class AppError extends TRPCError {
  readonly appCode: AppErrorCode;
  readonly fieldProblem: FieldProblem | undefined;

  constructor(appCode: AppErrorCode, options: { cause?: unknown; fieldProblem?: FieldProblem } = {}) {
    const definition = errorTable[appCode];
    super({ code: definition.trpc, message: definition.en, cause: options.cause });
    this.appCode = appCode;
    this.fieldProblem = options.fieldProblem;
  }
}

/** Raised by the database and key-value layers when their backing server cannot be reached. */
export class StoreUnavailableError extends Error {
  constructor(store: 'database' | 'kv', cause: unknown) {
    super(`${store} unavailable`, { cause });
  }
}
