import { isAppError } from '../../client-sdk/index.js';

/**
 * The typed API's error code a call failed with, 'done' if it succeeded, or the error itself if it
 * was not the service's: one `expect(...).toBe(code)` then shows which of the three it was.
 */
export const appCodeOf = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => 'done',
    (error: unknown) => (isAppError(error) ? error.data?.appCode : error),
  );
