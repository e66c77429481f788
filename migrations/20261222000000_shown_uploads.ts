import type { Kysely } from 'kysely';

// Frozen in time: imports no application code.

/**
 * `uploads.shown`: 1 once a public record (demand or application files, a delivery, an avatar)
 * names the upload. A verification record naming a shown upload gets a private copy of it rather
 * than making it private, which would take it away from the public record. Which existing public
 * uploads a record shows is not worth finding out: all of them are taken as shown, so none is
 * ever made private under a public record (the cost is a copy more, now and then).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('uploads')
    .addColumn('shown', 'smallint', (c) => c.notNull().defaultTo(0))
    .execute();
  const typed = db as Kysely<{ uploads: { shown: number; private: number } }>;
  await typed.updateTable('uploads').set({ shown: 1 }).where('private', '=', 0).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('uploads').dropColumn('shown').execute();
}
