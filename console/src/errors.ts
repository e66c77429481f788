import { isAppError } from '@marketplace/client-sdk';

/**
 * What an operator reads when a call fails: the service's own Chinese message for the code (the
 * error table's 中文, as the legacy door says it), with the code for whoever is asked for help. An
 * input the service refused names its field and why: a bare 参数错误 left the operator guessing
 * which of the form's fields to change. A limit's refusal says when to try again.
 */
export function describeError(error: unknown): string {
  if (!isAppError(error)) return '无法连接服务，请检查网络后重试';
  const issue = error.data?.issues?.[0];
  const field = issue ? `：${issue.path.join('.') || '输入'}（${issue.message}）` : '';
  const wait = error.data?.retryAfterSeconds;
  const retry = wait ? `，${wait}秒后可重试` : '';
  return `${error.data?.messageZh ?? error.message}${field}${retry}（${error.data?.appCode}）`;
}
