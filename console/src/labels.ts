import type { RouterOutputs } from '@marketplace/client-sdk';

type Profile = RouterOutputs['user']['me'];
type LedgerEntry = RouterOutputs['admin']['ledger']['items'][number];
type Demand = RouterOutputs['demands']['awaitingReview']['items'][number];
type VerificationKind = RouterOutputs['account']['pendingVerifications']['items'][number]['kind'];

export const userTypeLabels: Record<Profile['userType'], string> = {
  unknown: '未选择',
  person: '个人',
  company: '企业',
};

export const ledgerKindLabels: Record<LedgerEntry['kind'], string> = {
  recharge: '充值',
  withdrawal: '提现',
  escrow: '托管（支付需求）',
  payout: '收款',
  refund: '退款',
  adjustment: '调整',
  opening: '期初余额',
};

/** The labels users' apps show for the same codes (CONTRACT.md §4: titletype, pricetype). */
export const kindLabels: Record<Demand['kind'], string> = {
  partTime: '兼职',
  fullTime: '全职',
  other: '其它',
};
export const settlementLabels: Record<Demand['settlement'], string> = {
  monthly: '月结',
  daily: '日结',
  other: '其它',
};

export const verificationKindLabels: Record<VerificationKind, string> = {
  person: '个人认证',
  company: '企业认证',
  individualBusiness: '个体工商户',
};

/**
 * A demand's escrow entries, told from the escrow's side: what the user's ledger calls their
 * payout (收款) is money the escrow paid out.
 */
export const escrowKindLabels: Record<LedgerEntry['kind'], string> = {
  ...ledgerKindLabels,
  escrow: '托管（发布人支付）',
  payout: '支付接单人',
  refund: '退回发布人',
};

/** The audit trail names procedures; operators read what was done. */
export const auditActionLabels: Record<string, string> = {
  'demands.review': '审核需求',
  'demands.returnEscrow': '退回托管款',
  'demands.releaseSelection': '释放接单人',
  'account.reviewVerification': '审核认证',
  'wallet.credit': '充值',
  'wallet.withdraw': '提现',
  'billing.markInvoiceIssued': '开具发票',
  'user.grantAdmin': '设为管理员',
};
