import type { Db } from '../../db/database.js';

const uploadColumns = [
  'id',
  'user_id',
  'storage_key',
  'original_name',
  'mime',
  'size',
  'created_at',
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
