import type { CreateTableBuilder, Kysely } from 'kysely';
import { tableOptions } from './support.js';

// Frozen in time: this file must keep producing the same schema, so it imports no application code.

type Columns = (table: CreateTableBuilder<string, string>) => CreateTableBuilder<string, string>;

/**
 * One verification record per user and kind, keyed by the user id, with the review columns every
 * kind shares (state 0 pending, 1 approved, 2 rejected). The foreign key is table-level: MySQL
 * parses and then ignores a REFERENCES written on the column.
 */
async function createVerificationTable(db: Kysely<unknown>, name: string, columns: Columns) {
  await columns(db.schema.createTable(name).addColumn('user_id', 'integer', (c) => c.primaryKey()))
    .addColumn('state', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('reject_reason', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addColumn('submitted_at', 'bigint', (c) => c.notNull())
    .addColumn('reviewed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint(`${name}_user_fk`, ['user_id'], 'users', ['id'], (fk) => fk.onDelete('cascade'))
    .modifyEnd(tableOptions(db))
    .execute();
  // The admin queue reads pending records oldest first.
  await db.schema
    .createIndex(`${name}_state_submitted`)
    .on(name)
    .columns(['state', 'submitted_at'])
    .execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('uploads')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer')
    .addColumn('storage_key', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('original_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('mime', 'varchar(100)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('uploads_user_fk', ['user_id'], 'users', ['id'], (fk) => fk.onDelete('set null'))
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.createIndex('uploads_user_id').on('uploads').column('user_id').execute();

  await createVerificationTable(db, 'person_verifications', (t) =>
    t
      .addColumn('name', 'varchar(50)', (c) => c.notNull())
      .addColumn('id_number', 'varchar(18)', (c) => c.notNull())
      .addColumn('id_front', 'varchar(2000)', (c) => c.notNull())
      .addColumn('id_back', 'varchar(2000)', (c) => c.notNull())
      .addColumn('job', 'varchar(100)', (c) => c.notNull())
      .addColumn('job_name', 'varchar(100)', (c) => c.notNull())
      .addColumn('work_time_type', 'varchar(100)', (c) => c.notNull())
      .addColumn('work_period_from', 'bigint')
      .addColumn('work_period_to', 'bigint')
      .addColumn('weekly_hours', 'varchar(100)', (c) => c.notNull())
      .addColumn('work_area', 'varchar(500)', (c) => c.notNull())
      .addColumn('work_address', 'varchar(500)', (c) => c.notNull())
      .addColumn('daily_rate_fen', 'bigint')
      .addColumn('intro', 'text', (c) => c.notNull())
      .addColumn('attachment_one', 'varchar(2000)', (c) => c.notNull())
      .addColumn('attachment_two', 'varchar(2000)', (c) => c.notNull()),
  );

  await createVerificationTable(db, 'company_verifications', (t) =>
    t
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('industry', 'varchar(100)', (c) => c.notNull())
      .addColumn('license', 'varchar(2000)', (c) => c.notNull())
      .addColumn('province', 'varchar(50)', (c) => c.notNull())
      .addColumn('city', 'varchar(50)', (c) => c.notNull())
      .addColumn('address', 'varchar(500)', (c) => c.notNull())
      .addColumn('years_in_business', 'varchar(50)', (c) => c.notNull())
      .addColumn('legal_rep_name', 'varchar(50)', (c) => c.notNull())
      .addColumn('legal_rep_id_front', 'varchar(2000)', (c) => c.notNull())
      .addColumn('legal_rep_id_back', 'varchar(2000)', (c) => c.notNull()),
  );

  await createVerificationTable(db, 'individual_business_verifications', (t) =>
    t
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('domicile', 'varchar(500)', (c) => c.notNull())
      .addColumn('business_place', 'varchar(500)', (c) => c.notNull())
      .addColumn('postcode', 'varchar(20)', (c) => c.notNull())
      .addColumn('phone', 'varchar(30)', (c) => c.notNull())
      .addColumn('registered_capital_fen', 'bigint')
      .addColumn('company_type', 'varchar(100)', (c) => c.notNull())
      .addColumn('accounting', 'smallint')
      .addColumn('employees', 'integer')
      .addColumn('industry', 'varchar(100)', (c) => c.notNull())
      .addColumn('business_scope', 'text', (c) => c.notNull())
      .addColumn('legal_rep_name', 'varchar(50)', (c) => c.notNull())
      .addColumn('legal_rep_id_number', 'varchar(18)', (c) => c.notNull()),
  );

  await db.schema
    .createTable('individual_business_partners')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('position', 'smallint', (c) => c.notNull())
    .addColumn('name', 'varchar(50)', (c) => c.notNull())
    .addColumn('id_number', 'varchar(18)', (c) => c.notNull())
    .addForeignKeyConstraint(
      'individual_business_partners_owner_fk',
      ['user_id'],
      'individual_business_verifications',
      ['user_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema
    .createIndex('individual_business_partners_user_id')
    .on('individual_business_partners')
    .column('user_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'individual_business_partners',
    'individual_business_verifications',
    'company_verifications',
    'person_verifications',
    'uploads',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
