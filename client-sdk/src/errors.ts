import { TRPCClientError } from '@trpc/client';
import type { AppErrorCode, AppRouter } from './types.js';

/** A failed call, from a procedure or from `uploadFile`: `error.data.appCode` says which rule refused it. */
export type AppClientError = TRPCClientError<AppRouter>;

/** True when `error` came from the service, and (when given) carries that error code. */
export function isAppError(error: unknown, code?: AppErrorCode): error is AppClientError {
  const appCode = appErrorCode(error);
  return appCode !== undefined && (code === undefined || appCode === code);
}

/** The service's error code of a failed call, or undefined for a network or unknown failure. */
export function appErrorCode(error: unknown): AppErrorCode | undefined {
  return error instanceof TRPCClientError ? (error as AppClientError).data?.appCode : undefined;
}
