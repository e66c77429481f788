import type { Kysely } from 'kysely';

// Frozen in time: imports no application code.

/**
 * What the employer allocated to each selected application (the old `goods_order.price`,
 * 雇主分配金额): the demand's price split among the selected applications. A payout without an
 * amount pays this share; `paid_fen` keeps what was actually paid.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('applications')
    .addColumn('allocated_fen', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('allocated_fen').execute();
}
