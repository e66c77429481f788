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
  RESUME_LIST_FULL: {
    trpc: 'BAD_REQUEST',
    en: 'A resume list holds at most 100 entries',
    zh: '最多只能添加100条记录',
  },
  END_BEFORE_BEGIN: {
    trpc: 'BAD_REQUEST',
    en: 'The end is before the begin',
    zh: '结束时间不能早于开始时间',
  },
  UPLOAD_MISSING: { trpc: 'BAD_REQUEST', en: 'No file was uploaded', zh: '请选择要上传的文件' },
  UPLOAD_EMPTY: { trpc: 'BAD_REQUEST', en: 'The file is empty', zh: '文件内容为空' },
  UPLOAD_NAME_INVALID: { trpc: 'BAD_REQUEST', en: 'Invalid file name', zh: '文件名不合法' },
  UPLOAD_TYPE_NOT_ALLOWED: {
    trpc: 'BAD_REQUEST',
    en: 'Only jpg, png, gif and webp images and zip, rar, 7z and pdf files are accepted',
    zh: '不支持的文件类型，仅支持jpg、png、gif、webp图片和zip、rar、7z、pdf文件',
  },
  UPLOAD_IMAGES_ONLY: {
    trpc: 'BAD_REQUEST',
    en: 'Without logging in only jpg, png, gif and webp images are accepted',
    zh: '未登录时只能上传jpg、png、gif、webp图片',
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
  UPLOAD_TOO_FREQUENT: {
    trpc: 'TOO_MANY_REQUESTS',
    en: 'Too many uploads; try again later',
    zh: '上传过于频繁，请稍后再试',
  },
  FILE_REFERENCE_INVALID: {
    trpc: 'BAD_REQUEST',
    en: 'A file reference is not an upload of this service',
    zh: '文件无效，请使用本站上传的文件',
  },
  VERIFICATION_NOT_PENDING: {
    trpc: 'CONFLICT',
    en: 'This verification is not awaiting review',
    zh: '该认证不在待审核状态',
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
  APPLICATION_SELECTED: {
    trpc: 'CONFLICT',
    en: 'A selected application cannot be withdrawn',
    zh: '已被选中，不能撤回申请',
  },
  BALANCE_TOO_LOW: { trpc: 'CONFLICT', en: 'The wallet balance is too low', zh: '余额不足' },
  DEMAND_ALREADY_PAID: { trpc: 'CONFLICT', en: 'This demand is already paid', zh: '该需求已支付' },
  NOT_DELIVERED: {
    trpc: 'CONFLICT',
    en: 'Only a selected application with a delivery can be paid',
    zh: '成果未提交，不能确认付款',
  },
  APPLICATION_ALREADY_PAID: { trpc: 'CONFLICT', en: 'This application is already paid', zh: '该申请已付款' },
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
