import { type Db, hasRowLocks, type Tx } from '../../db/database.js';

const uploadColumns = [
  'id',
  'user_id',
  'storage_key',
  'original_name',
  'mime',
  'size',
  'created_at',
  'private',
  'shown',
] as const;

export type UploadRow = NonNullable<Awaited<ReturnType<typeof findUploadByKey>>>;

export async function insertUpload(
  db: Db,
  upload: {
    userId: number | null;
    key: string;
    originalName: string;
    mime: string;
    size: number;
    now: number;
  },
): Promise<number> {
  const result = await db
    .insertInto('uploads')
    .values({
      user_id: upload.userId,
      storage_key: upload.key,
      original_name: upload.originalName,
      mime: upload.mime,
      size: upload.size,
      created_at: upload.now,
    })
    .executeTakeFirstOrThrow();
  return Number(result.insertId);
}

/**
 * Inserts upload rows whose storage key is not recorded yet, all at once; a key recorded already
 * (by a concurrent transaction too, once it commits) is left as it is.
 */
export async function insertUploadsIfAbsent(
  db: Db | Tx,
  uploads: ReadonlyArray<{
    userId: number | null;
    key: string;
    originalName: string;
    mime: string;
    size: number;
    /** An identity or company document, served only through signed URLs. */
    private: boolean;
    /** Named by a public record already (UploadsTable.shown). */
    shown: boolean;
    now: number;
  }>,
): Promise<void> {
  if (uploads.length === 0) return;
  await db
    .insertInto('uploads')
    .orIgnore()
    .values(
      uploads.map((upload) => ({
        user_id: upload.userId,
        storage_key: upload.key,
        original_name: upload.originalName,
        mime: upload.mime,
        size: upload.size,
        private: upload.private ? 1 : 0,
        shown: upload.shown ? 1 : 0,
        created_at: upload.now,
      })),
    )
    .execute();
}

export function findUploadByKey(db: Db, key: string) {
  return db.selectFrom('uploads').select(uploadColumns).where('storage_key', '=', key).executeTakeFirst();
}

export function findUploadsByIds(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('uploads').select(uploadColumns).where('id', 'in', ids).execute();
}

export function findUploadsByKeys(db: Db, keys: readonly string[]) {
  if (keys.length === 0) return Promise.resolve([]);
  return db.selectFrom('uploads').select(uploadColumns).where('storage_key', 'in', keys).execute();
}

/**
 * Makes the anonymous ones of these uploads the user's; answers how many it took. One another
 * user took meanwhile is not taken (it is no longer anonymous).
 */
export async function claimAnonymousUploads(
  db: Db,
  userId: number,
  keys: readonly string[],
): Promise<number> {
  if (keys.length === 0) return 0;
  const result = await db
    .updateTable('uploads')
    .set({ user_id: userId })
    .where('storage_key', 'in', keys)
    .where('user_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Whether any of these uploads is private now, as committed: on MySQL a locking read, which a
 * transaction's earlier reads do not pin to their snapshot (SQLite writes one transaction at a time).
 */
export async function anyPrivateNow(tx: Tx, keys: readonly string[]): Promise<boolean> {
  if (keys.length === 0) return false;
  const query = tx.selectFrom('uploads').select('private').where('storage_key', 'in', keys);
  const rows = await (hasRowLocks(tx) ? query.forUpdate() : query).execute();
  return rows.some((row) => row.private);
}

/**
 * Marks uploads a public record names as shown (UploadsTable.shown); a private one stays as it is.
 */
export async function markUploadsShown(db: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .updateTable('uploads')
    .set({ shown: 1 })
    .where('storage_key', 'in', keys)
    .where('private', '=', 0)
    .where('shown', '=', 0)
    .execute();
}

/**
 * Makes uploads private (a verification record names them). An anonymous one becomes the user's,
 * so that from now on only they can name it in a record (FileReferences checks the owner). One a
 * public record shows stays public: the verification names a private copy of it instead, unless
 * a public record named it after the copies were made (the user published it themselves).
 */
export async function markUploadsPrivate(
  db: Db | Tx,
  userId: number,
  keys: readonly string[],
): Promise<void> {
  if (keys.length === 0) return;
  await db
    .updateTable('uploads')
    .set((eb) => ({ private: 1, user_id: eb.fn.coalesce('user_id', eb.val(userId)) }))
    .where('storage_key', 'in', keys)
    .where('shown', '=', 0)
    .execute();
}
