import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { keyOfUrl, urlOfKey } from './storage.js';
import { findUploadsByIds, findUploadsByKeys, type UploadRow } from './uploads.repository.js';
import type { FileRef } from './uploads.schemas.js';

/**
 * Turns what a client put in a file field (upload ids, or the URLs uploads answered, signed or
 * not) into the canonical URLs features store. Anything that is not an upload of this service, or is another
 * user's upload, is refused: a field can never point at a foreign server or someone else's file.
 * Anonymous uploads (e.g. made before logging in) may be used by anyone who knows them.
 */
export class FileReferences {
  constructor(private readonly db: Db) {}

  async resolve(userId: number, refs: readonly FileRef[]): Promise<string[]> {
    const ids: number[] = [];
    const keys: string[] = [];
    for (const ref of refs) {
      if (typeof ref === 'number' || /^\d+$/.test(ref)) ids.push(Number(ref));
      else {
        const key = keyOfUrl(ref);
        if (key === undefined) throw new AppError('FILE_REFERENCE_INVALID');
        keys.push(key);
      }
    }
    const [byId, byKey] = await Promise.all([
      findUploadsByIds(this.db, ids),
      findUploadsByKeys(this.db, keys),
    ]);
    // A private upload (an identity document) is only ever its owner's to name.
    const usable = (row: UploadRow | undefined): row is UploadRow =>
      row !== undefined && (row.user_id === userId || (row.user_id === null && !row.private));

    const urls: string[] = [];
    for (const ref of refs) {
      const row =
        typeof ref === 'number' || /^\d+$/.test(ref)
          ? byId.find((r) => r.id === Number(ref))
          : byKey.find((r) => r.storage_key === keyOfUrl(ref));
      if (!usable(row)) throw new AppError('FILE_REFERENCE_INVALID');
      const url = urlOfKey(row.storage_key);
      if (!urls.includes(url)) urls.push(url);
    }
    return urls;
  }

  /** One reference, or null to clear the field. */
  async resolveOne(userId: number, ref: FileRef | null): Promise<string | null> {
    return ref === null ? null : ((await this.resolve(userId, [ref]))[0] ?? null);
  }
}
