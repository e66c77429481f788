import { createHash } from 'node:crypto';
import type { Db, Tx } from '../../db/database.js';

/**
 * File URLs the old backend's rows named, recorded by the importer (`legacy_files`): the URL of the
 * copy when the file was copied into storage, or none when the old URL was kept as it was. A record
 * resubmitted with its old URLs names them again; FileReferences lets them through for their owner.
 */
export interface LegacyFile {
  readonly url: string;
  /** The user whose row named the file first; null for files no user owned. */
  readonly userId: number | null;
  /** The URL of the copy in storage; null when the old URL is kept (external). */
  readonly copiedTo: string | null;
}

/** The key of a URL as the old row spelled it (trimmed). */
const legacyUrlHash = (url: string): string => createHash('sha256').update(url.trim()).digest('hex');

export async function findLegacyFiles(
  db: Db | Tx,
  urls: readonly string[],
): Promise<Map<string, LegacyFile>> {
  const found = new Map<string, LegacyFile>();
  if (urls.length === 0) return found;
  const rows = await db
    .selectFrom('legacy_files')
    .select(['url', 'user_id', 'copied_to'])
    .where(
      'url_hash',
      'in',
      urls.map((url) => legacyUrlHash(url)),
    )
    .execute();
  for (const row of rows) found.set(row.url, { url: row.url, userId: row.user_id, copiedTo: row.copied_to });
  return found;
}

/** Records files; a URL recorded already keeps its first record, so a re-run changes nothing. */
export async function recordLegacyFiles(
  db: Db | Tx,
  files: readonly LegacyFile[],
  now: number,
): Promise<void> {
  if (files.length === 0) return;
  await db
    .insertInto('legacy_files')
    .orIgnore()
    .values(
      files.map((file) => ({
        url_hash: legacyUrlHash(file.url),
        url: file.url.trim(),
        user_id: file.userId,
        copied_to: file.copiedTo,
        created_at: now,
      })),
    )
    .execute();
}
