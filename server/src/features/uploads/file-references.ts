import type { Db, Tx } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { maxId } from '../../fields.js';
import { findLegacyFiles } from './legacy-files.js';
import { keyOfUrl, urlOfKey } from './storage.js';
import {
  anyPrivateNow,
  claimAnonymousUploads,
  findUploadsByIds,
  findUploadsByKeys,
  markUploadsShown,
  type UploadRow,
} from './uploads.repository.js';
import type { FileRef } from './uploads.schemas.js';

/** What a record names files for: shown to everyone, or to its owner and admins only. */
export type ReferenceUse = 'public' | 'private';

export interface ReferenceOptions {
  readonly use?: ReferenceUse;
  /** A field shown as a picture (an avatar, an ID card): other uploads are FILE_NOT_IMAGE. */
  readonly images?: boolean;
}

/** A file field resolved: the URLs the record stores, and what writing it does to its uploads. */
export interface ResolvedFiles {
  readonly urls: string[];
  /** Run in the transaction that writes the record (takeUploads). */
  take(tx: Tx): Promise<void>;
}

/**
 * Turns what a client put in a file field (upload ids, or the URLs uploads answered, signed or
 * not) into the canonical URLs features store. Anything that is not an upload of this service, or is another
 * user's upload, is refused: a field can never point at a foreign server or someone else's file.
 * Anonymous uploads (e.g. made before logging in) may be used by whoever knows their URL, but
 * never by id: ids count up from 1, so naming anonymous uploads by id would hand anyone every one
 * of them (an ID card photo uploaded before login among them) through a demand's public files.
 * The first user to name one becomes its owner, so nobody else can name it afterwards: otherwise
 * anyone who saw a demand's image (an anonymous upload) could name it in a verification record,
 * which makes it private, and the image would be gone for everyone who views the demand.
 *
 * One exception: a URL the old backend's rows named (recorded by the importer, legacy-files.ts)
 * is accepted from the user whose row named it, so a record resubmitted unchanged is not refused.
 * It stays as it is when it was kept external, and becomes the URL of its copy when copied.
 *
 * And a reference to what the row being written names already (`kept`: the caller reads it from a
 * row of the user's own) is taken as it is: the importer gives an old file one public copy, owned
 * by the first user whose row named it, and records the old URL for that user alone, so everyone
 * else whose row named it (one default avatar, say) was refused their own record resubmitted as read.
 *
 * What the reference is for matters (`use`). A public record (demand and application files, a
 * delivery, an avatar: the default) shows its files to everyone: a private upload (an identity
 * document) is refused there, as its URL would answer 404 to everyone and the document must never be
 * shown, and the uploads it names are marked shown, so that a verification naming one later copies
 * it rather than making it private under the public record (VerificationService). A private one (a
 * verification record) may name any upload of the user's.
 */
export class FileReferences {
  constructor(private readonly db: Db) {}

  async resolve(
    userId: number,
    refs: readonly FileRef[],
    kept: readonly string[] = [],
    { use = 'public', images = false }: ReferenceOptions = {},
  ): Promise<ResolvedFiles> {
    const ids: number[] = [];
    const keys: string[] = [];
    const others: string[] = [];
    for (const ref of refs) {
      if (keptUrlOf(ref, kept) !== undefined) continue;
      if (typeof ref === 'number' || /^\d+$/.test(ref)) {
        // Digits past any id (400 of them are Infinity) name no upload, and must not reach the SQL.
        const id = Number(ref);
        if (id <= maxId) ids.push(id);
      } else {
        const key = keyOfUrl(ref);
        if (key === undefined) others.push(ref.trim());
        else keys.push(key);
      }
    }
    const [byId, byKey, legacy] = await Promise.all([
      findUploadsByIds(this.db, ids),
      findUploadsByKeys(this.db, keys),
      findLegacyFiles(this.db, others),
    ]);
    // A private upload (an identity document) is only ever its owner's to name, and never in a
    // public record. An anonymous one is named by its URL only: the random key in it is the proof
    // of having been given the file.
    const usable = (row: UploadRow | undefined, byId: boolean): row is UploadRow =>
      row !== undefined &&
      !(use === 'public' && row.private) &&
      (row.user_id === userId || (row.user_id === null && !row.private && !byId));

    const anonymous = new Set<string>();
    // The uploads a public record is to show: its own, and the copies old URLs name.
    const shown = new Set<string>();
    const urls: string[] = [];
    const add = (url: string) => {
      if (!urls.includes(url)) urls.push(url);
    };
    for (const ref of refs) {
      const keptUrl = keptUrlOf(ref, kept);
      if (keptUrl !== undefined) {
        add(keptUrl);
        continue;
      }
      if (typeof ref === 'string' && !/^\d+$/.test(ref) && keyOfUrl(ref) === undefined) {
        const old = legacy.get(ref.trim());
        if (!old || (old.userId !== null && old.userId !== userId))
          throw new AppError('FILE_REFERENCE_INVALID');
        const copy = old.copiedTo === null ? undefined : keyOfUrl(old.copiedTo);
        if (copy !== undefined) shown.add(copy);
        add(old.copiedTo ?? old.url);
        continue;
      }
      const isId = typeof ref === 'number' || /^\d+$/.test(ref);
      const row = isId
        ? byId.find((r) => r.id === Number(ref))
        : byKey.find((r) => r.storage_key === keyOfUrl(ref));
      // The user's own identity document named in a public record: said as what it is.
      if (use === 'public' && row?.private && row.user_id === userId) throw new AppError('FILE_PRIVATE');
      if (!usable(row, isId)) throw new AppError('FILE_REFERENCE_INVALID');
      // By the type its bytes showed at upload. (An old file the import kept is not checked.)
      if (images && !row.mime.startsWith('image/')) throw new AppError('FILE_NOT_IMAGE');
      if (row.user_id === null) anonymous.add(row.storage_key);
      shown.add(row.storage_key);
      add(urlOfKey(row.storage_key));
    }
    return {
      urls,
      take: (tx) => takeUploads(tx, userId, [...anonymous], use === 'public' ? [...shown] : []),
    };
  }

  /** One reference, or null to clear the field. */
  async resolveOne(
    userId: number,
    ref: FileRef | null,
    kept: readonly string[] = [],
    options: ReferenceOptions = {},
  ): Promise<{ readonly url: string | null; take(tx: Tx): Promise<void> }> {
    if (ref === null) return { url: null, take: async () => {} };
    const { urls, take } = await this.resolve(userId, [ref], kept, options);
    return { url: urls[0] ?? null, take };
  }
}

/**
 * Makes the uploads the record names its writer's: the anonymous ones become the user's, and a
 * public record's are marked shown. In the record's own transaction, so that a write refused after
 * its files were resolved (a bad ID number, another field's file) leaves every upload as it was:
 * an anonymous one it named was its writer's for good, and nobody else could use it.
 */
async function takeUploads(tx: Tx, userId: number, anonymous: string[], shown: string[]): Promise<void> {
  // Another user naming the same one at the same moment took it first: it is theirs now.
  if ((await claimAnonymousUploads(tx, userId, anonymous)) < anonymous.length) {
    throw new AppError('FILE_REFERENCE_INVALID');
  }
  if (shown.length === 0) return;
  // Read again once marked: one a verification made private since it was read (the old copy of a
  // document, too) is refused after all. Marked first, it stays public: the verification's
  // transaction makes only unshown uploads private.
  await markUploadsShown(tx, shown);
  if (await anyPrivateNow(tx, shown)) throw new AppError('FILE_REFERENCE_INVALID');
}

/** The URL as a row stores it, when the row being written names it already; ids never are. */
function keptUrlOf(ref: FileRef, kept: readonly string[]): string | undefined {
  if (typeof ref === 'number' || /^\d+$/.test(ref) || kept.length === 0) return undefined;
  const key = keyOfUrl(ref);
  const stored = key === undefined ? ref.trim() : urlOfKey(key);
  return stored !== '' && kept.includes(stored) ? stored : undefined;
}
