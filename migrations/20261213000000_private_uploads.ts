import type { Kysely } from 'kysely';

// Frozen in time: imports no application code.

/**
 * `uploads.private`: 1 once a verification record (identity and company documents) names the
 * upload. Private uploads are served only through signed, expiring URLs. Uploads the existing
 * records name are marked here, and an anonymous one among them becomes its record owner's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('uploads')
    .addColumn('private', 'smallint', (c) => c.notNull().defaultTo(0))
    .execute();

  const documents = [
    { table: 'person_verifications', columns: ['id_front', 'id_back', 'attachment_one', 'attachment_two'] },
    { table: 'company_verifications', columns: ['license', 'legal_rep_id_front', 'legal_rep_id_back'] },
  ];
  const typed = db as Kysely<Record<string, Record<string, string | number | null>>>;
  for (const { table, columns } of documents) {
    const rows = await typed
      .selectFrom(table)
      .select(['user_id', ...columns])
      .execute();
    for (const row of rows) {
      const keys = columns.flatMap((column) => keysOfUrls(String(row[column] ?? '')));
      if (keys.length === 0) continue;
      await typed.updateTable('uploads').set({ private: 1 }).where('storage_key', 'in', keys).execute();
      await typed
        .updateTable('uploads')
        .set({ user_id: Number(row.user_id) })
        .where('storage_key', 'in', keys)
        .where('user_id', 'is', null)
        .execute();
    }
  }
}

/** Storage keys of a comma-joined list of `/uploads/<key>` URLs. */
function keysOfUrls(joined: string): string[] {
  return joined
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url.startsWith('/uploads/'))
    .map((url) => url.slice('/uploads/'.length).split(/[?#]/)[0] ?? '')
    .filter((key) => key !== '');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('uploads').dropColumn('private').execute();
}
