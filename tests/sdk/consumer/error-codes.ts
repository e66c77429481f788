/**
 * The SDK's error codes are the server's, no more and no fewer: `server-codes.ts` is written by the
 * test from server/src/errors.ts when it installs the packed package, and this compiles only while
 * the packed declarations' `AppErrorCode` is exactly that list (not `string`, not a stale subset).
 */
import type { AppClientError, AppErrorCode } from '@marketplace/client-sdk';
import type { serverCodes } from './server-codes.js';

type ServerCode = (typeof serverCodes)[number];
/** Compiles only for `true`. */
type Holds<T extends true> = T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export type SdkKnowsEveryServerCode = Holds<Same<AppErrorCode, ServerCode>>;
// A refused upload and a refused procedure are one error type, carrying the same codes.
export type UploadErrorsCarryTheCodes = Holds<
  Same<NonNullable<AppClientError['data']>['appCode'], ServerCode>
>;
