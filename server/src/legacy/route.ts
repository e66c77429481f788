import type { AnyProcedure, inferProcedureOutput } from '@trpc/server';
import type { UploadedFile } from '../features/uploads/uploads.schemas.js';
import type { UploadAudience } from '../features/uploads/uploads.service.js';
import type { Context } from '../trpc/context.js';
import type { AppRouter } from '../trpc/router.js';
import type { LegacyExample } from './examples.js';
import type { LegacyFields } from './fields.js';

/**
 * One legacy URL as a row of data: its fields (legacy name → typed field, label, kind,
 * description), who it is for, the procedure it calls and how that procedure's answer is written
 * back. The door (plugin.ts) runs rows; the API reference (docs/legacy-api.ts) reads them. No
 * business rule lives in a row; it renames, converts formats and picks the procedure, and a
 * `prepare` maps what only the old API says onto the typed input (getpwd's `user_id` to its phone).
 */
interface RowBase {
  /** Canonical lowercase path, e.g. `/index/api/loginphone`. */
  readonly path: string;
  readonly summary: { readonly zh: string; readonly en: string };
  /** More words, in English, when the summary is not enough. */
  readonly description?: string;
  /**
   * `session`: the login fields must name a live token of that user (else 没有登录或状态过期);
   * `optional`: they are used when they hold, and the request is anonymous when they do not;
   * `token`: the token alone, whatever id comes beside it, handed to the procedure as presented (a
   * logout: holding the token is the proof, and a stale id beside it must not leave it live);
   * `none`: the URL takes no login.
   */
  readonly auth: LegacyAuth;
  /** Where the login is sent when not as `user_id_check` / `token_check` (the first present wins). */
  readonly login?: LoginFieldNames;
  readonly fields: LegacyFields;
  /** Enumerated outputs, for the docs: paths inside `data` (`data[].pay`) and their labels. */
  readonly labels?: Readonly<Record<string, readonly string[]>>;
  readonly example: LegacyExample;
}

export type LegacyAuth = 'session' | 'optional' | 'token' | 'none';

export interface LoginFieldNames {
  readonly userId: readonly string[];
  readonly token: readonly string[];
  /** The user id's Chinese name where the old document words it otherwise (`用户user_id`). */
  readonly userIdLabel?: string;
}

export const defaultLoginFields: LoginFieldNames = { userId: ['user_id_check'], token: ['token_check'] };

/** A URL that calls a typed procedure in-process. */
export interface ProcedureRow<P extends ProcedurePath> extends RowBase {
  readonly procedure: P;
  /** A legacy-only meaning applied to the input before the call (getpwd names the account by id). */
  prepare?(input: Record<string, unknown>, context: Context): Promise<Record<string, unknown>>;
  /** The procedure's answer as the legacy `data`. May throw an AppError where legacy clients expect `res: 0`. */
  encode(output: OutputOf<P>, request: LegacyRequest): unknown;
}

/** A multipart upload URL: the door receives the `file` part while the form streams. */
export interface UploadRow extends RowBase {
  readonly upload: UploadAudience;
  encode(file: UploadedFile, request: LegacyRequest): unknown;
}

export type LegacyRoute = ProcedureRow<ProcedurePath> | UploadRow;

/** What encoders may need beyond the answer: the token the request presented, and the display zone. */
export interface LegacyRequest {
  readonly token: string | undefined;
  readonly timeZone: string;
}

/** Declares a row; the procedure's name types what `encode` receives. */
export const legacyRoute = <P extends ProcedurePath>(row: ProcedureRow<P>): ProcedureRow<P> => row;

/** The `data` of URLs that answer nothing but success. */
export const noData = () => '';

// Procedure names as dotted paths of the router (`demands.create`, `resume.skills.add`), and the
// output each one answers, so a row names its procedure as data and still has a typed encoder.
type RouterRecord = AppRouter['_def']['record'];
type PathsOf<R, Prefix extends string = ''> = {
  [K in keyof R & string]: R[K] extends AnyProcedure ? `${Prefix}${K}` : PathsOf<R[K], `${Prefix}${K}.`>;
}[keyof R & string];
type ProcedureAt<R, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof R
    ? ProcedureAt<R[Head], Rest>
    : never
  : P extends keyof R
    ? R[P]
    : never;
export type ProcedurePath = PathsOf<RouterRecord>;
export type OutputOf<P extends ProcedurePath> = inferProcedureOutput<ProcedureAt<RouterRecord, P>>;

/** Canonical form of a request path: lowercase, no `.html`, no trailing slash (CONTRACT.md §1). */
export function canonicalPath(url: string): string {
  const path = (url.split('?')[0] ?? '').toLowerCase().replace(/\/{2,}/g, '/');
  return path.replace(/\/+$/, '').replace(/\.html$/, '') || '/';
}
