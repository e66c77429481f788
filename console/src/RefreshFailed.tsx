import { Alert } from 'antd';
import { describeError } from './errors.js';

/**
 * Above what a page read last, when reading it again failed. The page stays as it was rather than
 * give way to the error: a dialog open on it goes with it, and a wallet dialog's page is refreshed
 * exactly when a move's answer was lost on the way back (the service down a moment): its
 * idempotency key, which makes the retry safe, would be gone, and a new dialog moves money again.
 */
export function RefreshFailed({ error }: { error: unknown }) {
  return <Alert type="warning" title={`刷新失败，以下为之前读取的内容：${describeError(error)}`} />;
}
