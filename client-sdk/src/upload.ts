import { TRPCClientError } from '@trpc/client';
import type { UploadedFile as ServerUploadedFile } from '../../server/src/features/uploads/uploads.schemas.js';
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
  readonly file: Blob;
  /** Kept as metadata only: the service decides the type from the bytes and stores under a random name. */
  readonly filename: string;
}

/**
 * Uploads one file (`POST /api/uploads`, multipart part `file`; uploads need a login) and answers
 * its record. A refusal throws the same `TRPCClientError` a procedure does, so `isAppError(e,
 * 'UPLOAD_TOO_LARGE')` and `appErrorCode(e)` work alike.
 */
export async function uploadFile(options: UploadOptions): Promise<UploadedFile> {
  const form = new FormData();
  form.append('file', options.file, options.filename);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(endpoint(options, '/api/uploads'), {
      method: 'POST',
      headers: await authorization(options.token),
      body: form,
    });
  } catch (cause) {
    throw TRPCClientError.from<AppRouter>(cause instanceof Error ? cause : new Error(String(cause)));
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && isUploadedFileJson(body)) return { ...body, createdAt: new Date(body.createdAt) };
  // The service answers refusals as /trpc does; anything else (a proxy's HTML page) is named by status.
  const failure =
    typeof body === 'object' && body !== null && 'error' in body
      ? body
      : new Error(`upload failed (HTTP ${response.status})`);
  throw TRPCClientError.from<AppRouter>(failure, { meta: { response } });
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
