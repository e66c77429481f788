import { appErrorCode } from '@marketplace/client-sdk';
import { describeError } from './errors.js';

/**
 * The answers to a credit or withdrawal that say for certain no money moved: the service refused
 * the request before or inside its transaction, which then stored nothing under the key. Any other
 * failure (a lost answer, 服务器内部错误, 服务暂时不可用) may come after the money moved: the
 * transaction may have committed with only its answer lost on the way back.
 */
const nothingMoved = new Set([
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'BALANCE_TOO_LOW',
  'ADMIN_ONLY',
  'UNAUTHENTICATED',
]);

/** What the wallet dialog says when a move failed; `verb` is 入账 or 扣除. */
export function describeWalletFailure(error: unknown, verb: string): string {
  const code = appErrorCode(error);
  if (code === 'IDEMPOTENCY_KEY_REUSED') {
    // This dialog's key already moved money, for the amount first sent (whose answer was lost).
    return `本窗口之前提交的另一金额可能已经${verb}：请关闭窗口，核对余额和流水后再操作`;
  }
  if (code !== undefined && nothingMoved.has(code)) return describeError(error);
  return `${describeError(error)}。款项可能已经${verb}：再次点击确认不会重复${verb}，也可关闭窗口核对余额`;
}
