import { type Dirent, readdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { LegacyAnswer } from './legacy-client.js';
import type { TestApp } from './test-app.js';

export interface FilePost {
  readonly content: Buffer;
  readonly filename: string;
  /** Plain fields (login fields, ...), sent before the file unless `fieldsAfterFile`. */
  readonly fields?: Record<string, string>;
  readonly fieldsAfterFile?: boolean;
  /** The deployed upload form also sends a text field named `file` before the file part. */
  readonly textFieldNamedFile?: boolean;
  readonly ip?: string;
}

/** Builds the multipart body a browser's FormData would send. */
export async function multipartBody(post: FilePost) {
  const form = new FormData();
  if (post.textFieldNamedFile) form.append('file', post.filename);
  const fields = Object.entries(post.fields ?? {});
  if (!post.fieldsAfterFile) for (const [name, value] of fields) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(post.content)]), post.filename);
  if (post.fieldsAfterFile) for (const [name, value] of fields) form.append(name, value);
  const request = new Request('http://local/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') ?? 'multipart/form-data',
  };
}

/** Posts a file to a legacy upload URL. */
export async function postFile(app: FastifyInstance, url: string, post: FilePost): Promise<LegacyAnswer> {
  const { payload, contentType } = await multipartBody(post);
  const response = await app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': contentType },
    ...(post.ip ? { remoteAddress: post.ip } : {}),
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

/** Posts a file to the typed door's `/api/uploads` as the session's user (Bearer token). */
export async function postTypedFile(
  app: FastifyInstance,
  token: string,
  post: FilePost,
): Promise<{ status: number; body: Record<string, never>; headers: Record<string, unknown> }> {
  const { payload, contentType } = await multipartBody(post);
  const response = await app.inject({
    method: 'POST',
    url: '/api/uploads',
    payload,
    headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
    ...(post.ip ? { remoteAddress: post.ip } : {}),
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

/** Every file under a folder, as paths relative to it: what the disk storage holds. */
export function filesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    // The entries' own types, not a stat of each: the server may delete a partial file between
    // the listing and a stat (a cut-off upload being cleaned up while a test polls).
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.push(path.relative(root, full));
    }
  };
  walk(root);
  return found.sort();
}

/** The uploads row of a URL the upload routes answered (`/uploads/<key>`), if there is one. */
export function uploadRowOf(t: TestApp, url: string) {
  return t.stores.database.db
    .selectFrom('uploads')
    .selectAll()
    .where('storage_key', '=', url.replace(/^\/uploads\//, ''))
    .executeTakeFirst();
}
