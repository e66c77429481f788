import type { Kysely } from 'kysely';
import { tableOptions } from './support.js';

// Frozen in time: imports no application code.

/**
 * The answer each idempotent call gave, under its key, written in the same transaction as its
 * effect: a retry answers exactly what the first call answered (a refund included), and a payout
 * that moves no money (a share of 0 fen) is still recorded once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('idempotent_answers')
    // 191 characters: the longest utf8mb4 key InnoDB indexes in full on every row format.
    .addColumn('idempotency_key', 'varchar(191)', (c) => c.primaryKey())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotent_answers').execute();
}
