import type { Kysely } from 'kysely';
import { tableOptions } from './support.js';

// Frozen in time: imports no application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('demands')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('owner_id', 'integer', (c) => c.notNull())
    .addColumn('order_no', 'varchar(24)', (c) => c.notNull().unique())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('kind', 'smallint', (c) => c.notNull())
    .addColumn('price_fen', 'bigint', (c) => c.notNull())
    .addColumn('settlement', 'smallint', (c) => c.notNull())
    .addColumn('address', 'varchar(255)', (c) => c.notNull())
    .addColumn('work_start', 'bigint', (c) => c.notNull())
    .addColumn('work_end', 'bigint', (c) => c.notNull())
    .addColumn('category', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('review_state', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('review_reason', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('paid', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('settled', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
  // The owner's list, the public list (reviewed, newest first, by kind) and the review queue.
  await db.schema.createIndex('demands_owner').on('demands').columns(['owner_id', 'id']).execute();
  await db.schema.createIndex('demands_public').on('demands').columns(['review_state', 'id']).execute();
  await db.schema
    .createIndex('demands_public_kind')
    .on('demands')
    .columns(['review_state', 'kind', 'id'])
    .execute();

  await db.schema
    .createTable('demand_files')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('demand_id', 'integer', (c) => c.notNull())
    .addColumn('url', 'varchar(500)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.createIndex('demand_files_demand').on('demand_files').column('demand_id').execute();

  await db.schema
    .createTable('applications')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('demand_id', 'integer', (c) => c.notNull())
    .addColumn('applicant_id', 'integer', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('selected', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('delivered', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('delivery_preview', 'text', (c) => c.notNull())
    .addColumn('delivery_source', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addColumn('paid', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('paid_fen', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('delivered_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('applications_once_per_demand', ['demand_id', 'applicant_id'])
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema
    .createIndex('applications_applicant')
    .on('applications')
    .columns(['applicant_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('applications').execute();
  await db.schema.dropTable('demand_files').execute();
  await db.schema.dropTable('demands').execute();
}
