import type { AppErrorCode } from '../server/src/errors.js';
import type { UploadedFile, UploadedFileJson } from '../server/src/features/uploads/uploads.schemas.js';

export type { UploadedFile };

export interface UploadOptions {
  /** Where the service runs, e.g. `http://localhost:3000` (as for createClient). */
  readonly url: string;
  /** A login token; uploads need one. */
  readonly token: string;
  readonly file: Blob;
  /** Kept as metadata only: the service decides the type from the bytes and stores under a random name. */
  readonly filename: string;
  /** For runtimes without a global fetch. */
  readonly fetch?: typeof fetch;
}

/** A refused upload: the service's error code (e.g. UPLOAD_TOO_LARGE) and its English message. */
export class UploadError extends Error {
  constructor(
    readonly code: AppErrorCode | undefined,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/**
 * Uploads one file (`POST /api/uploads`, multipart part `file`) and answers its record. Its `url`
 * (or `id`) is what file fields of other procedures take.
 */
export async function uploadFile(options: UploadOptions): Promise<UploadedFile> {
  const form = new FormData();
  form.append('file', options.file, options.filename);
  const response = await (options.fetch ?? fetch)(`${options.url.replace(/\/+$/, '')}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}` },
    body: form,
  });
  const body = (await response.json().catch(() => undefined)) as
    | UploadedFileJson
    | { error?: { code?: AppErrorCode; message?: string } }
    | undefined;
  if (!response.ok || !body || 'error' in body) {
    const error = body && 'error' in body ? body.error : undefined;
    throw new UploadError(
      error?.code,
      response.status,
      error?.message ?? `upload failed (HTTP ${response.status})`,
    );
  }
  const record = body as UploadedFileJson;
  return { ...record, createdAt: new Date(record.createdAt) };
}
