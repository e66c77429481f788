import { TRPCClientError } from '@trpc/client';
import type { AppErrorCode, AppRouter } from './types.js';

/** A failed call, from a procedure or from `uploadFile`: `error.data.appCode` says which rule refused it. */
export type AppClientError = TRPCClientError<AppRouter>;

/**
 * A failed call the service answered: its `data` (code, Chinese message, HTTP status) is there,
 * its `appCode` one of `Code` (every code unless narrowed by `isAppError(error, code)`).
 */
export type ServiceError<Code extends AppErrorCode = AppErrorCode> = AppClientError & {
  readonly data: NonNullable<AppClientError['data']> & { readonly appCode: Code };
};

/** True when `error` came from the service, and (when given) carries that error code: `error.data.appCode` is then typed as it. */
export function isAppError<Code extends AppErrorCode = AppErrorCode>(
  error: unknown,
  code?: Code,
): error is ServiceError<Code> {
  const appCode = appErrorCode(error);
  return appCode !== undefined && (code === undefined || appCode === code);
}

/** The service's error code of a failed call, or undefined for a network or unknown failure. */
export function appErrorCode(error: unknown): AppErrorCode | undefined {
  return error instanceof TRPCClientError ? (error as AppClientError).data?.appCode : undefined;
}

/**
 * The HTTP status a failed call was answered with: the service's (`data.httpStatus`), or that of a
 * proxy's page answering in its place (a balancer's 502, a 413 for a body it would not pass on).
 * Undefined when nothing answered: a network failure or an aborted call.
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const { data, meta } = error as AppClientError;
  if (data?.httpStatus !== undefined) return data.httpStatus;
  const status = (meta?.response as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}
