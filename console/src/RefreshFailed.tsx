import { Alert } from 'antd';
import { describeError } from './errors.js';

/**
 * Above what a page read last, when reading it again failed. The page stays as it was instead of
 * giving way to the error, which took any dialog open on it along. A wallet dialog's page is
 * refreshed exactly when a move's answer was lost on the way back (the service down a moment): the
 * dialog's idempotency key, which makes a retry safe, went with it, and a new dialog moved the
 * money again.
 */
export function RefreshFailed({ error }: { error: unknown }) {
  return <Alert type="warning" title={`刷新失败，以下为之前读取的内容：${describeError(error)}`} />;
}
