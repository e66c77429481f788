import { exampleArchiveUrl, exampleUploadUrl } from '../legacy/codecs/common.js';
import type { JsonSchema } from './json-schema.js';

/** A token as login answers it, for examples. */
export const exampleToken = 'q8v0Yk3mJ9xWc2Lh5RtN1pZa7EoUbFgD4sKiQyTw6Xn';

/**
 * Realistic values for typed output fields, by name, so example answers read like real ones.
 * Money is never a whole number of yuan here, so an example shows that yuan carry decimals.
 */
const byName: Readonly<Record<string, unknown>> = {
  id: 12,
  userId: 7,
  ownerId: 8,
  applicantId: 7,
  demandId: 12,
  applicationId: 25,
  rechargeId: 3,
  orderNo: '2026120100000012', // the day in TZ_DISPLAY, then the id on eight digits (demand.service.ts)
  phone: '13800138000',
  applicantPhone: '13800138000',
  email: 'li.lei@example.com',
  face: exampleUploadUrl,
  address: '广东省,深圳市,南山区',
  title: '微信小程序开发',
  category: '软件开发',
  description: '开发一个预约小程序，含后台',
  message: '我有三年小程序经验',
  priceFen: 150_050,
  amountFen: 150_050,
  paidFen: 150_050,
  balanceFen: 250_075,
  dailyRateFen: 80_050,
  registeredCapitalFen: 10_000_000,
  refundedFen: 0,
  applicationCount: 3,
  companyName: '深圳某科技有限公司',
  url: exampleUploadUrl,
  deliverySource: exampleArchiveUrl,
  deliveryPreview: [exampleUploadUrl],
  mime: 'image/png',
  size: 48_213,
  originalName: 'photo.png',
  note: '银行转账',
  token: exampleToken,
  name: '李雷',
  idNumber: '11010519491231002X',
  legalRepIdNumber: '11010519491231002X',
  code: '428617',
  password: 'my-secret-2026',
  newPassword: 'new-secret-2026',
  idempotencyKey: 'order-12-pay-1',
  link: 'https://example.com/booking',
  score: 4,
  total: 1,
  page: 1,
  perPage: 15,
  lastPage: 1,
  // A selected application shows up in `order_id_ok` too.
  selected: true,
  rejectReason: '',
  reviewReason: '',
  // An entry of the admins' audit trail.
  adminPhone: '13900139000',
  action: 'demands.review',
  targetType: 'demand',
  targetId: 12,
  before: { review: 'pending', reason: '', paid: true },
  after: { review: 'approved', reason: '', paid: true },
  detail: { id: 12, approve: true },
};

/** Image fields of verifications and file lists of applications hold upload URLs. */
const uploadLists = new Set([
  'files',
  'idCardFront',
  'idCardBack',
  'license',
  'legalRepIdFront',
  'legalRepIdBack',
  'attachmentOne',
  'attachmentTwo',
]);

export function exampleValue(name: string, schema: JsonSchema): unknown {
  // Demand files are `{id, url}` objects, sampled from their schema; other file lists are URLs.
  if (uploadLists.has(name))
    return (schema.items as JsonSchema | undefined)?.type === 'string' ? [exampleUploadUrl] : undefined;
  return byName[name];
}
