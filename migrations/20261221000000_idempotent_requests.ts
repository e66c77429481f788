import type { Kysely } from 'kysely';

// Frozen in time: imports no application code.

/**
 * What each idempotent call was asked (its amount, its demand or application), beside its answer:
 * a key sent again with other parameters is a different request, refused rather than answered with
 * the first call's answer. Null for answers stored before this column, which are not compared.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotent_answers').addColumn('request', 'varchar(500)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotent_answers').dropColumn('request').execute();
}
