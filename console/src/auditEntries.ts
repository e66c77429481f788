import type { RouterOutputs } from '@marketplace/client-sdk';
import { verificationKindLabels } from './labels.js';
import { yuan } from './money.js';

/**
 * The audit trail in an operator's words. The service records each action's input and the state
 * it changed as it stored them (JSON, amounts in fen, English keys); the console reads the actions
 * it knows and falls back to the raw value for anything else, so a newer record is still shown.
 */
export type AuditEntry = RouterOutputs['admin']['auditLog']['items'][number];

type Fields = Readonly<Record<string, unknown>>;

const fieldsOf = (value: unknown): Fields =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const fen = (value: unknown) => (typeof value === 'number' ? `¥${yuan(value)}` : '');
const kindLabel = (kind: unknown) =>
  verificationKindLabels[kind as keyof typeof verificationKindLabels] ?? text(kind);
const withReason = (verdict: string, reason: unknown) =>
  text(reason) ? `${verdict}：${text(reason)}` : verdict;

/** One line that says what was done: the decision, the amount, the reason. */
export function auditSummary(entry: AuditEntry): string {
  const detail = fieldsOf(entry.detail);
  const before = fieldsOf(entry.before);
  const after = fieldsOf(entry.after);
  switch (entry.action) {
    case 'demands.review': {
      if (detail.approve === true) return '通过';
      const refunded = before.paid === true && after.paid === false ? '（托管款已退回）' : '';
      return withReason('驳回', detail.reason) + refunded;
    }
    case 'demands.returnEscrow':
      return withReason(`退回 ${fen(before.escrowFen)}`, detail.reason);
    case 'demands.releaseSelection':
      return withReason(`需求 #${before.demandId ?? '?'} 释放接单人`, detail.reason);
    case 'account.reviewVerification': {
      const kind = kindLabel(detail.kind);
      return detail.decision === 'approve' ? `${kind} 通过` : withReason(`${kind} 驳回`, detail.reason);
    }
    case 'wallet.credit':
    case 'wallet.withdraw': {
      const sign = entry.action === 'wallet.credit' ? '+' : '-';
      const balance = `余额 ${fen(before.balanceFen)} → ${fen(after.balanceFen)}`;
      const note = text(detail.note) ? `，备注：${text(detail.note)}` : '';
      return `${sign}${fen(detail.amountFen)}，${balance}${note}`;
    }
    case 'billing.markInvoiceIssued':
      return '已开票';
    case 'user.grantAdmin':
      return `${text(detail.phone)}${entry.before === null ? '（新建账号）' : ''}`;
    default:
      return '';
  }
}

const targetLabels: Readonly<Record<string, string>> = {
  demand: '需求',
  application: '接单申请',
  wallet: '钱包（用户）',
  invoiceRequest: '发票申请',
  user: '用户',
};

/** `demand #12` as 需求 #12; a verification's target is its user. */
export function auditTarget(entry: AuditEntry): string {
  const kind = /^verification:(.+)$/.exec(entry.targetType)?.[1];
  const label = kind ? `${kindLabel(kind)}（用户）` : (targetLabels[entry.targetType] ?? entry.targetType);
  return `${label} #${entry.targetId}`;
}

const fieldLabels: Readonly<Record<string, string>> = {
  review: '审核状态',
  status: '审核状态',
  reason: '驳回原因',
  rejectReason: '驳回原因',
  paid: '已支付',
  settled: '已结算',
  escrowFen: '托管款',
  balanceFen: '余额',
  demandId: '需求ID',
  selected: '已选中',
  delivered: '已交付',
  allocatedFen: '分得金额',
  shares: '未付接单人的分配',
  issued: '已开票',
  isAdmin: '管理员',
};

const reviewLabels: Readonly<Record<string, string>> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '已驳回',
};

function shown(key: string, value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number' && key.endsWith('Fen')) return fen(value);
  if (key === 'shares' && Array.isArray(value)) {
    return value.length === 0
      ? '无'
      : value.map((share) => `#${fieldsOf(share).id}: ${fen(fieldsOf(share).fen)}`).join('，');
  }
  if ((key === 'review' || key === 'status') && typeof value === 'string')
    return reviewLabels[value] ?? value;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface AuditChange {
  readonly key: string;
  readonly label: string;
  readonly before: string;
  readonly after: string;
  readonly changed: boolean;
}

/** Each recorded field with its value before and after the action, in the order first recorded. */
export function auditChanges(entry: AuditEntry): AuditChange[] {
  const before = fieldsOf(entry.before);
  const after = fieldsOf(entry.after);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.map((key) => {
    const was = shown(key, before[key]);
    const is = shown(key, after[key]);
    return { key, label: fieldLabels[key] ?? key, before: was, after: is, changed: was !== is };
  });
}
