import { TRPCClientError } from '@trpc/client';
import type { UploadedFile as ServerUploadedFile } from '../../server/src/features/uploads/uploads.schemas.js';
import { isServiceFailure, notTheService } from './answers.js';
import { authorization, type ClientOptions, endpoint } from './client.js';
import type { AppRouter } from './types.js';

/** A stored file. Its `url` (or `id`) is what file fields of procedures take. */
export interface UploadedFile {
  readonly id: number;
  readonly url: string;
  readonly mime: string;
  readonly size: number;
  /** The name the file was uploaded under; metadata only, never how it is stored. */
  readonly originalName: string;
  readonly createdAt: Date;
}

/** Compiles only for `true`: a check made by the type checker, with nothing left at run time. */
type Holds<T extends true> = T;
// Written out, since the server's is a zod inference that would drag zod into the SDK's types;
// this stops compiling when the two part.
// biome-ignore lint/correctness/noUnusedVariables: a check the type checker makes, used by nothing
type SameAsServer = Holds<
  [UploadedFile, ServerUploadedFile] extends [ServerUploadedFile, UploadedFile] ? true : false
>;

/** The same connection as `createClient` (url, token string or getter, fetch), and the file. */
export interface UploadOptions extends ClientOptions {
  /** A Blob or File (a browser's file input), or the bytes themselves (a Node Buffer, a Uint8Array). */
  readonly file: Blob | ArrayBuffer | ArrayBufferView;
  /** Kept as metadata only: the service decides the type from the bytes and stores under a random name. */
  readonly filename: string;
  /** Cancels the upload (the user gave up, the page changed): it then fails as an aborted procedure does. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Uploads one file (`POST /api/uploads`, multipart part `file`; uploads need a login) and answers
 * its record. A refusal throws the same `TRPCClientError` a procedure does, so `isAppError(e,
 * 'UPLOAD_TOO_LARGE')` and `appErrorCode(e)` work alike.
 */
export async function uploadFile(options: UploadOptions): Promise<UploadedFile> {
  const form = new FormData();
  form.append('file', asBlob(options.file), options.filename);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(endpoint(options, '/api/uploads'), {
      method: 'POST',
      headers: await authorization(options.token),
      body: form,
      signal: options.signal ?? null,
    });
  } catch (cause) {
    throw asClientError(cause);
  }
  const body: unknown = await response.json().catch((cause: unknown) => {
    // Aborted while the answer was read: that is the failure, not an unreadable answer.
    if (options.signal?.aborted) throw asClientError(cause);
    return undefined;
  });
  if (response.ok && isUploadedFileJson(body)) return { ...body, createdAt: new Date(body.createdAt) };
  // The service answers refusals as /trpc does; anything else (a proxy's HTML 413) is named by status.
  if (isServiceFailure(body)) throw TRPCClientError.from<AppRouter>(body, { meta: { response } });
  throw notTheService(response);
}

/** FormData takes only a Blob; bytes are wrapped in one (a copy, which Blob makes of any view). */
function asBlob(file: UploadOptions['file']): Blob {
  let bytes: Uint8Array;
  if (ArrayBuffer.isView(file)) bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  else if (file instanceof ArrayBuffer) bytes = new Uint8Array(file);
  else return file; // a Blob, of this realm or another: FormData judges it
  // A view over a SharedArrayBuffer reads as well; the DOM's types admit only ArrayBuffer's.
  return new Blob([bytes as Uint8Array<ArrayBuffer>]);
}

/** A failure before any answer (network, abort, the token getter) as the same error type as a refusal. */
function asClientError(cause: unknown) {
  return TRPCClientError.from<AppRouter>(cause instanceof Error ? cause : new Error(String(cause)));
}

type UploadedFileJson = Omit<UploadedFile, 'createdAt'> & { readonly createdAt: string };

function isUploadedFileJson(body: unknown): body is UploadedFileJson {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Partial<UploadedFileJson>).id === 'number' &&
    typeof (body as Partial<UploadedFileJson>).url === 'string' &&
    typeof (body as Partial<UploadedFileJson>).createdAt === 'string'
  );
}
