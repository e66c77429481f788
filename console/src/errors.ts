import { isAppError } from '@marketplace/client-sdk';

/**
 * What an operator reads when a call fails: the service's own Chinese message for the code (the
 * error table's 中文, as the legacy door says it), with the code for whoever is asked for help.
 */
export function describeError(error: unknown): string {
  if (!isAppError(error)) return '无法连接服务，请检查网络后重试';
  return `${error.data?.messageZh ?? error.message}（${error.data?.appCode}）`;
}
