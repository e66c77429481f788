import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import type { AppErrorCode } from '../server/src/errors.js';
import type { AppRouter } from '../server/src/trpc/router.js';

export type { AppErrorCode, AppRouter };

/** A fixed token, or a getter asked before every request (so a frontend can swap tokens after login). */
export type TokenSource =
  | string
  | undefined
  | (() => string | null | undefined | Promise<string | null | undefined>);

export interface ClientOptions {
  /** Where the service runs, e.g. `http://localhost:3000`. */
  readonly url: string;
  readonly token?: TokenSource;
  /** For runtimes without a global fetch, or to add tracing. */
  readonly fetch?: typeof fetch;
}

/** Must not exceed the server's maxBatchSize, or batched calls are refused. */
const maxCallsPerBatch = 10;

/** The typed client of the service: every procedure, with its input and output types. */
export function createClient(options: ClientOptions) {
  const base = options.url.replace(/\/+$/, '');
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/trpc`,
        transformer: superjson,
        maxItems: maxCallsPerBatch,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        async headers() {
          const token = typeof options.token === 'function' ? await options.token() : options.token;
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}

export type Client = ReturnType<typeof createClient>;

/** True when `error` came from the service, and (when given) carries that error code. */
export function isAppError(error: unknown, code?: AppErrorCode): error is TRPCClientError<AppRouter> {
  if (!(error instanceof TRPCClientError)) return false;
  const appCode = (error.data as { appCode?: AppErrorCode } | undefined)?.appCode;
  return appCode !== undefined && (code === undefined || appCode === code);
}

/** The service's error code of a failed call, or undefined for a network or unknown failure. */
export function appErrorCode(error: unknown): AppErrorCode | undefined {
  return error instanceof TRPCClientError
    ? (error.data as { appCode?: AppErrorCode } | undefined)?.appCode
    : undefined;
}

export { UploadError, type UploadedFile, type UploadOptions, uploadFile } from './upload.js';
