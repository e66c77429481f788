import type { Kysely } from 'kysely';
import { tableOptions } from './support.js';

// Frozen in time: this file must keep producing the same schema, so it imports no application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('phone', 'varchar(11)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(255)')
    .addColumn('usertype', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('userstate', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('is_admin', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('email', 'varchar(254)', (c) => c.notNull().defaultTo(''))
    .addColumn('face', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addColumn('address', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('users').execute();
}
