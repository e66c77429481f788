import type { Context, Credentials } from '../trpc/context.js';
import type { AppCaller } from '../trpc/router.js';
import type { MultipartFilePart } from './body.js';
import { integer, type LegacyFields, text } from './codecs/values.js';

/**
 * One legacy URL: which procedure it calls and how its fields translate. No business rule lives
 * here; a row only renames, converts formats and picks the procedure.
 */
export interface LegacyRoute<Input, Output> {
  /** Canonical lowercase path, e.g. `/index/api/loginphone`. */
  readonly path: string;
  /** Chinese names of the procedure's input fields, for validation messages (from seed/api.txt). */
  readonly labels: Readonly<Record<string, string>>;
  /** Who the request claims to be; `/user/*` rows default to `user_id_check` + `token_check`. */
  readonly credentials?: (fields: LegacyFields) => Credentials;
  /** For routes that take a file: how its multipart part is received while the form streams. */
  readonly files?: LegacyFileReceiver;
  readonly decode: (fields: LegacyFields, request: LegacyRequest) => Input;
  /** Calls the procedure. The context is for doors outside tRPC (uploads), which take no JSON. */
  readonly call: (caller: AppCaller, input: Input, context: Context) => Promise<Output>;
  readonly encode: (output: Output, request: LegacyRequest) => unknown;
}

/**
 * Takes the file part named `field` while the form streams (the first one; further ones are
 * drained). What `receive` answers becomes that field's value for `decode`; when the request fails
 * afterwards, `discard` undoes it. Which files are acceptable is the receiver's business.
 */
export interface LegacyFileReceiver {
  readonly field: string;
  receive(part: MultipartFilePart, context: Context): Promise<unknown>;
  discard(received: unknown, context: Context): Promise<void>;
}

/** What codecs may need beyond the fields: who asked, and the zone legacy dates are written in. */
export interface LegacyRequest {
  readonly credentials: Credentials;
  readonly timeZone: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the table holds rows of many input and output types.
export type AnyLegacyRoute = LegacyRoute<any, any>;

/** The `data` of routes that answer nothing but success. */
export const noData = () => '';

/** Declares a row; the generic parameters are inferred so decode, call and encode must agree. */
export const legacyRoute = <Input, Output>(route: LegacyRoute<Input, Output>) => route;

/** The credentials every `/user/*` route takes (CONTRACT.md §3). A missing id claims user 0, who never matches. */
export function sessionFields(
  fields: LegacyFields,
  idName = 'user_id_check',
  tokenName = 'token_check',
): Credentials {
  const token = text(fields[tokenName]);
  const claimedUserId = integer(fields[idName]);
  return {
    ...(typeof token === 'string' && token !== '' ? { token } : {}),
    claimedUserId: Number.isInteger(claimedUserId) ? claimedUserId : 0,
  };
}

/** Canonical form of a request path: lowercase, no `.html`, no trailing slash (CONTRACT.md §1). */
export function canonicalPath(url: string): string {
  const path = (url.split('?')[0] ?? '').toLowerCase().replace(/\/{2,}/g, '/');
  return path.replace(/\/+$/, '').replace(/\.html$/, '') || '/';
}
