import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { isDatabaseUnavailable } from './db/database.js';

interface ErrorDefinition {
  readonly trpc: TRPC_ERROR_CODE_KEY;
  readonly en: string;
  readonly zh: string;
  /**
   * Not an outcome a procedure decides but a failure around it (a body that cannot be read, an
   * unknown URL, a store that is down, a bug): the legacy door answers these with their HTTP status,
   * every other code with HTTP 200 (CONTRACT.md §2).
   */
  readonly transport?: true;
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
  SMS_TOO_FREQUENT: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many codes requested; try again later',
    zh: '验证码发送过于频繁，请稍后再试',
  },
  SMS_SEND_FAILED: {
    // The gateway failed, not the service: 502, not the 500 of a bug.
    trpc: 'BAD_GATEWAY',
    en: 'The SMS could not be sent',
    zh: '短信发送失败，请稍后再试',
  },
  SMS_CODE_INVALID: { trpc: 'BAD_REQUEST', en: 'Wrong or expired code', zh: '验证码错误或已过期' },
  SMS_CODE_TRIES_USED: {
    trpc: 'BAD_REQUEST',
    en: 'Too many wrong codes: ask for a new one',
    zh: '验证码错误次数过多，请重新获取',
  },
  ACCOUNT_NOT_FOUND: { trpc: 'NOT_FOUND', en: 'No account has this phone', zh: '该手机号未注册' },
  LOGIN_FAILED: { trpc: 'UNAUTHORIZED', en: 'Wrong phone or password', zh: '手机号或密码错误' },
  LOGIN_LOCKED: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many failed logins; try again later',
    zh: '登录失败次数过多，请稍后再试',
  },
  LOGIN_TOO_FREQUENT: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many password logins to this account; try again later',
    zh: '登录过于频繁，请稍后再试',
  },
  PASSWORD_CHANGE_TOO_FREQUENT: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many password changes; try again later',
    zh: '密码修改过于频繁，请稍后再试',
  },
  STORE_UNAVAILABLE: {
    trpc: 'SERVICE_UNAVAILABLE',
    en: 'Service temporarily unavailable',
    zh: '服务暂时不可用，请稍后再试',
    transport: true,
  },
  RESUME_LIST_FULL: {
    trpc: 'BAD_REQUEST',
    en: 'A resume list holds at most 100 entries',
    zh: '最多只能添加100条记录',
  },
  RESUME_TOO_LARGE: {
    trpc: 'BAD_REQUEST',
    en: 'A resume list holds at most 50,000 characters of text',
    zh: '内容过多，每类简历最多50000字',
  },
  END_BEFORE_BEGIN: {
    trpc: 'BAD_REQUEST',
    en: 'The end is before the begin',
    zh: '结束时间不能早于开始时间',
  },
  UPLOAD_MISSING: { trpc: 'BAD_REQUEST', en: 'No file was uploaded', zh: '请选择要上传的文件' },
  UPLOAD_EMPTY: { trpc: 'BAD_REQUEST', en: 'The file is empty', zh: '文件内容为空' },
  UPLOAD_TOO_MANY_FILES: { trpc: 'BAD_REQUEST', en: 'Send one file per upload', zh: '每次只能上传一个文件' },
  UPLOAD_NAME_INVALID: { trpc: 'BAD_REQUEST', en: 'Invalid file name', zh: '文件名不合法' },
  UPLOAD_TYPE_NOT_ALLOWED: {
    trpc: 'BAD_REQUEST',
    en: 'Only jpg, png, gif and webp images and zip, rar, 7z, pdf, docx, xlsx and pptx files are accepted',
    zh: '不支持的文件类型，仅支持jpg、png、gif、webp图片和zip、rar、7z、pdf、docx、xlsx、pptx文件',
  },
  UPLOAD_IMAGES_ONLY: {
    trpc: 'BAD_REQUEST',
    en: 'Only jpg, png, gif and webp images are accepted by the public upload (other files by the logged-in one)',
    zh: '此处只能上传jpg、png、gif、webp图片',
  },
  UPLOAD_NAME_MISMATCH: {
    trpc: 'BAD_REQUEST',
    en: 'The file name does not match its content',
    zh: '文件扩展名与文件内容不符',
  },
  UPLOAD_TOO_LARGE: {
    trpc: 'PAYLOAD_TOO_LARGE',
    en: 'File too large: images up to 5 MB, other files up to 50 MB',
    zh: '文件过大：图片不能超过5MB，其它文件不能超过50MB',
  },
  UPLOAD_TIMEOUT: {
    trpc: 'TIMEOUT',
    en: 'The upload stalled or was too slow to finish; check the connection and try again',
    zh: '上传超时，请检查网络后重试',
  },
  UPLOAD_TOO_FREQUENT: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many uploads; try again later',
    zh: '上传过于频繁，请稍后再试',
  },
  UPLOAD_DAILY_QUOTA_USED: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Today’s upload allowance is used up; try again tomorrow',
    zh: '今日上传已达上限，请明天再试',
  },
  DEMAND_POST_TOO_FREQUENT: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many demands posted; try again later',
    zh: '发布需求过于频繁，请稍后再试',
  },
  APPLY_TOO_FREQUENT: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many applications made; try again later',
    zh: '申请过于频繁，请稍后再试',
  },
  UPLOAD_TOO_MANY_AT_ONCE: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many uploads at once from this address; wait for one to finish, then try again',
    zh: '同时上传的文件过多，请等待当前上传完成后再试',
  },
  SEARCH_TOO_MANY: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many title searches at once from this address; try again in a moment',
    zh: '搜索请求过多，请稍后再试',
  },
  SEARCH_BUSY: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'The service is answering many title searches at once; try again in a moment',
    zh: '搜索繁忙，请稍后再试',
  },
  FILE_REFERENCE_INVALID: {
    trpc: 'BAD_REQUEST',
    en: 'A file reference is not one of your uploads on this service',
    zh: '文件无效，请使用本站上传的文件',
  },
  FILE_PRIVATE: {
    trpc: 'BAD_REQUEST',
    en: 'This file is an identity document, which is never shown publicly; upload it again for this',
    zh: '该文件为认证资料，不能公开使用，请重新上传',
  },
  FILE_NOT_IMAGE: {
    trpc: 'BAD_REQUEST',
    en: 'This field takes an image upload (jpg, png, gif or webp)',
    zh: '请上传jpg、png、gif、webp格式的图片',
  },
  VERIFICATION_NOT_PENDING: {
    trpc: 'CONFLICT',
    en: 'This verification is not awaiting review',
    zh: '该认证不在待审核状态',
  },
  VERIFICATION_CHANGED: {
    trpc: 'CONFLICT',
    en: 'The user changed this verification after it was opened; review it again',
    zh: '用户已修改该认证资料，请重新查看后再审核',
  },
  DEMAND_PAID: { trpc: 'CONFLICT', en: 'A paid demand can no longer be edited', zh: '需求已支付，不能修改' },
  DEMAND_IN_PROGRESS: {
    trpc: 'CONFLICT',
    en: 'A demand that is paid, settled or has a selected applicant cannot be deleted',
    zh: '需求已支付、已结算或已选定接单人，不能删除',
  },
  DEMAND_NOT_PENDING: {
    trpc: 'CONFLICT',
    en: 'This demand is not awaiting review',
    zh: '该需求不在待审核状态',
  },
  DEMAND_CHANGED: {
    trpc: 'CONFLICT',
    en: 'The owner changed this demand after it was opened; review it again',
    zh: '发布人已修改该需求，请重新查看后再审核',
  },
  DEMAND_NOT_OPEN: {
    trpc: 'CONFLICT',
    en: 'Only reviewed demands that are not settled take applications',
    zh: '该需求未审核或已结算，不能申请',
  },
  DEMAND_NOT_PAID: {
    trpc: 'CONFLICT',
    en: 'Pay the demand before selecting applicants',
    zh: '需求未支付，不能选择接单人',
  },
  DEMAND_NOT_APPROVED: {
    trpc: 'CONFLICT',
    en: 'This demand was edited and is not approved again yet: select applicants once it is',
    zh: '需求修改后尚未通过审核，审核通过后才能选择接单人',
  },
  DEMAND_HAS_SELECTION: {
    trpc: 'CONFLICT',
    en: 'This demand has selected applicants, whom its escrow is promised to: it cannot be rejected nor its escrow returned',
    zh: '该需求已选定接单人，不能驳回或退回托管款',
  },
  DEMAND_HAS_PAYOUTS: {
    trpc: 'CONFLICT',
    en: 'Applicants of this demand were already paid from its escrow: it cannot be rejected',
    zh: '该需求已向接单人付款，不能驳回',
  },
  NOTHING_IN_ESCROW: { trpc: 'CONFLICT', en: 'This demand holds nothing in escrow', zh: '该需求没有托管款' },
  DEMAND_SETTLED: { trpc: 'CONFLICT', en: 'This demand is already settled', zh: '该需求已结算' },
  OWN_DEMAND: { trpc: 'FORBIDDEN', en: 'You cannot apply to your own demand', zh: '不能申请自己发布的需求' },
  ALREADY_APPLIED: {
    trpc: 'CONFLICT',
    en: 'You have already applied to this demand',
    zh: '已经申请过该项目',
  },
  APPLICATIONS_NOT_OF_DEMAND: {
    trpc: 'BAD_REQUEST',
    en: 'Some applications do not belong to this demand',
    zh: '所选申请不存在或不属于该需求',
  },
  NOT_SELECTED: {
    trpc: 'CONFLICT',
    en: 'Only a selected applicant can deliver, and only until paid',
    zh: '未被选中或已付款，不能提交成果',
  },
  APPLICATION_NOT_SELECTED: {
    trpc: 'CONFLICT',
    en: 'This application is not selected: there is no selection to release',
    zh: '该申请未被选中，无需释放',
  },
  APPLICATION_DELIVERED: {
    trpc: 'CONFLICT',
    en: 'This applicant has delivered: the owner must confirm and pay the delivery, or the dispute is settled outside the service',
    zh: '接单人已提交成果，不能释放：应由雇主确认付款，或在平台外解决纠纷',
  },
  APPLICATION_SELECTED: {
    trpc: 'CONFLICT',
    en: 'A selected application cannot be withdrawn',
    zh: '已被选中，不能撤回申请',
  },
  BALANCE_TOO_LOW: { trpc: 'CONFLICT', en: 'The wallet balance is too low', zh: '余额不足' },
  DEMAND_ALREADY_PAID: { trpc: 'CONFLICT', en: 'This demand is already paid', zh: '该需求已支付' },
  DEMAND_REJECTED: {
    trpc: 'CONFLICT',
    en: 'This demand was rejected in review: edit it for review again before paying it',
    zh: '该需求未通过审核，请修改后重新提交审核再支付',
  },
  NOT_DELIVERED: {
    trpc: 'CONFLICT',
    en: 'Only a selected application with a delivery can be paid',
    zh: '成果未提交，不能确认付款',
  },
  APPLICATION_ALREADY_PAID: { trpc: 'CONFLICT', en: 'This application is already paid', zh: '该申请已付款' },
  IDEMPOTENCY_KEY_REUSED: {
    trpc: 'CONFLICT',
    en: 'This idempotency key was already used with other parameters; check what moved, then send a new key',
    zh: '该请求编号已用于另一笔不同的操作，请核对后重新提交',
  },
  ESCROW_TOO_LOW: {
    trpc: 'CONFLICT',
    en: 'The amount is more than the escrow has left',
    zh: '付款金额超过托管余额',
  },
  ALREADY_INVOICED: {
    trpc: 'CONFLICT',
    en: 'An invoice was already requested for one of these recharges',
    zh: '所选充值记录已申请过发票',
  },
  INVOICE_ALREADY_ISSUED: { trpc: 'CONFLICT', en: 'This invoice is already issued', zh: '该发票已开具' },
  INTERNAL: {
    trpc: 'INTERNAL_SERVER_ERROR',
    en: 'Internal server error',
    zh: '服务器内部错误',
    transport: true,
  },

  // Failures of the request itself, decided before any procedure runs.
  MALFORMED_REQUEST: {
    trpc: 'BAD_REQUEST',
    en: 'The request body could not be read',
    zh: '请求格式错误',
    transport: true,
  },
  BATCH_TOO_LARGE: {
    trpc: 'BAD_REQUEST',
    en: 'A batch holds at most 10 calls',
    zh: '一次批量请求最多包含10个调用',
    transport: true,
  },
  ROUTE_NOT_FOUND: { trpc: 'NOT_FOUND', en: 'No such URL', zh: '接口不存在', transport: true },
  METHOD_NOT_ALLOWED: {
    trpc: 'METHOD_NOT_SUPPORTED',
    en: 'This method is not supported here',
    zh: '请求方式不支持',
    transport: true,
  },
  BODY_TOO_LARGE: {
    trpc: 'PAYLOAD_TOO_LARGE',
    en: 'The request body is too large',
    zh: '请求内容过大',
    transport: true,
  },
  BODY_TIMEOUT: {
    trpc: 'TIMEOUT',
    en: 'The request body did not arrive in time; check the connection and try again',
    zh: '请求超时，请检查网络后重试',
    transport: true,
  },
  UNSUPPORTED_MEDIA_TYPE: {
    trpc: 'UNSUPPORTED_MEDIA_TYPE',
    en: 'This content type is not supported',
    zh: '不支持的请求格式',
    transport: true,
  },
} as const satisfies Record<string, ErrorDefinition>;

export type AppErrorCode = keyof typeof errorTable;

/** Which input field a validation failure is about, for messages that name the field. */
export interface FieldProblem {
  readonly field: string;
  readonly problem: 'missing' | 'invalid' | 'tooLong' | 'tooShort' | 'tooLarge' | 'tooSmall' | 'tooMany';
  readonly limit?: number;
}

export class AppError extends TRPCError {
  readonly appCode: AppErrorCode;
  readonly fieldProblem: FieldProblem | undefined;
  /** For a limit's refusal: in how many seconds one more try would be allowed (a client's countdown). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    appCode: AppErrorCode,
    options: { cause?: unknown; fieldProblem?: FieldProblem; retryAfterMs?: number | undefined } = {},
  ) {
    const definition = errorTable[appCode];
    super({ code: definition.trpc, message: definition.en, cause: options.cause });
    this.appCode = appCode;
    this.fieldProblem = options.fieldProblem;
    this.retryAfterSeconds =
      options.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(options.retryAfterMs / 1000));
  }
}

/** The refusals of a counted limit: they say when one more try is allowed (`retryAfterSeconds`). */
export const limitRefusals = [
  'SMS_TOO_FREQUENT',
  'LOGIN_LOCKED',
  'LOGIN_TOO_FREQUENT',
  'PASSWORD_CHANGE_TOO_FREQUENT',
  'UPLOAD_TOO_FREQUENT',
  'DEMAND_POST_TOO_FREQUENT',
  'APPLY_TOO_FREQUENT',
] as const satisfies readonly AppErrorCode[];

/** A limit's refusal, saying when to try again: `hit` is the refused hit (RateLimiter.count). */
export const refusedFor = (
  appCode: (typeof limitRefusals)[number],
  hit: { readonly retryAfterMs?: number },
): AppError => new AppError(appCode, { retryAfterMs: hit.retryAfterMs });

/**
 * A refusal of one field that a service found (an end before the begin, checked against the stored
 * half of a period): answered as the schema's refinement of the same rule is, its issue at `path`,
 * so a form can mark the field whichever of the two found it.
 */
export function fieldRefusal(appCode: AppErrorCode, path: readonly PropertyKey[]): AppError {
  const issue = { code: 'custom', path, message: errorTable[appCode].en, params: { appCode } };
  return new AppError(appCode, { cause: { issues: [issue] } });
}

/** Raised by the database, key-value and file storage layers when their backing server cannot be reached. */
export class StoreUnavailableError extends Error {
  constructor(
    store: 'database' | 'kv' | 'storage',
    cause: unknown,
    /** The command was refused before it was sent: it certainly did nothing. */
    readonly notSent = false,
  ) {
    super(`${store} unavailable`, { cause });
  }
}

/** The issues of a failed input parse (zod's or any standard schema's). */
export interface ValidationIssue {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly code?: string;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
}

export function validationIssues(error: unknown): readonly ValidationIssue[] | undefined {
  const issues = ((error as { cause?: unknown } | null)?.cause as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as ValidationIssue[]) : undefined;
}

/** Statuses of failures raised outside procedures (Fastify, multipart) and the codes they are. */
const transportCodeByStatus: Readonly<Record<number, AppErrorCode>> = {
  400: 'MALFORMED_REQUEST',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'BODY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The one error pipeline: whatever was thrown, by a procedure, a store, tRPC itself or the HTTP
 * layer, becomes an AppError of the table. Every door answers from the result (the tRPC error
 * formatter, the legacy envelope, the Fastify error handler), so a failure reads the same
 * everywhere. What is not recognised is a bug: INTERNAL.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (error instanceof StoreUnavailableError || isDatabaseUnavailable(error)) {
    return new AppError('STORE_UNAVAILABLE', { cause: error });
  }
  if (error instanceof TRPCError) {
    // A procedure's failure reaches its middleware wrapped; what it threw decides.
    if (cause instanceof AppError || cause instanceof StoreUnavailableError || isDatabaseUnavailable(cause)) {
      return toAppError(cause);
    }
    // A body or `?input=` that is no JSON: tRPC parses it when a procedure reads its input, and
    // reports the SyntaxError as a refused input.
    if (cause instanceof SyntaxError) return new AppError('MALFORMED_REQUEST', { cause });
    const issues = validationIssues(error);
    if (error.code === 'BAD_REQUEST' && issues) {
      return new AppError(codeNamedBy(issues) ?? 'VALIDATION_FAILED', { cause: error.cause });
    }
    return new AppError(trpcCodes[error.code] ?? 'INTERNAL', { cause: error });
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  const transport = typeof status === 'number' ? transportCodeByStatus[status] : undefined;
  return new AppError(transport ?? 'INTERNAL', { cause: error });
}

/**
 * The code every issue of a refused input names, if one (a refinement's `params.appCode`, e.g.
 * END_BEFORE_BEGIN): the failure is that code, with its issues, as it is when a service finds the
 * same problem (an edit's half period against the stored half).
 */
function codeNamedBy(issues: readonly ValidationIssue[]): AppErrorCode | undefined {
  const named = new Set(issues.map((issue) => (issue as { params?: { appCode?: unknown } }).params?.appCode));
  const [code] = named;
  return named.size === 1 && typeof code === 'string' && code in errorTable
    ? (code as AppErrorCode)
    : undefined;
}

/** tRPC's own failures (a path it does not know, a batch too large) by their tRPC code. */
const trpcCodes: Partial<Record<TRPC_ERROR_CODE_KEY, AppErrorCode>> = {
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'ADMIN_ONLY',
  NOT_FOUND: 'ROUTE_NOT_FOUND',
  BAD_REQUEST: 'VALIDATION_FAILED',
  PARSE_ERROR: 'MALFORMED_REQUEST',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'BODY_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

/** The HTTP status of a code on the typed door (tRPC's mapping of its tRPC code). */
export const httpStatusOf = (error: AppError): number => getHTTPStatusCodeFromError(error);
