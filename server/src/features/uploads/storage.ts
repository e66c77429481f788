import type { Readable } from 'node:stream';

/**
 * Where upload bytes live. Features see only this interface, so an S3-compatible store can
 * replace the disk without touching them. Keys are the ones `newStorageKey` makes.
 */
export interface FileStorage {
  /** Stores the stream under `key`. If the stream fails, nothing is left under the key. */
  put(key: string, body: Readable): Promise<void>;
  /** Streams what is stored under `key`, or null when nothing is. */
  get(key: string): Promise<{ body: Readable; size: number } | null>;
  delete(key: string): Promise<void>;
  /** Fails when the store cannot be used as configured (no bucket, no access); asked once at boot. */
  check(): Promise<void>;
  /** Lets go of connections; the storage is not used afterwards. */
  close(): Promise<void>;
}

/** `yyyy/mm/dd/<22 random base64url characters>.<ext>`: nothing a client chose, so no path tricks. */
const storageKeyPattern = /^\d{4}\/\d{2}\/\d{2}\/[A-Za-z0-9_-]{22}\.[a-z0-9]{1,5}$/;

export const isStorageKey = (key: string): boolean => storageKeyPattern.test(key);

/** A random name in a dated folder (UTC), with the extension of the type the bytes showed. */
export function newStorageKey(now: number, ext: string, random: string): string {
  const date = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${random}.${ext}`;
}

/** The path a stored upload is served at (CONTRACT.md §5: `url` is a path on this service). */
export const urlOfKey = (key: string): string => `/uploads/${key}`;

/**
 * The storage key of one of our upload URLs (path or absolute URL), or undefined. A query or
 * fragment is ignored: a signed URL (`?exp=...&sig=...`) names the same upload.
 */
export function keyOfUrl(reference: string): string | undefined {
  let path = reference.trim();
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return undefined;
    }
  } else {
    path = path.split(/[?#]/, 1)[0] ?? '';
  }
  const key = path.startsWith('/uploads/') ? path.slice('/uploads/'.length) : undefined;
  return key !== undefined && isStorageKey(key) ? key : undefined;
}
