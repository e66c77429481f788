import type { CreateTableBuilder, Kysely } from 'kysely';
import { tableOptions } from './support.js';

// Frozen in time: this file must keep producing the same schema, so it imports no application code.

type Columns = (table: CreateTableBuilder<string, string>) => CreateTableBuilder<string, string>;

/** The resume lists of one user: every table is owned rows with the list's own columns. */
const tables: ReadonlyArray<readonly [name: string, columns: Columns]> = [
  [
    'resume_projects',
    (t) =>
      t
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('type', 'varchar(100)', (c) => c.notNull())
        .addColumn('link', 'varchar(255)', (c) => c.notNull())
        .addColumn('key_features', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('responsibilities', 'text', (c) => c.notNull()),
  ],
  [
    'resume_skills',
    (t) =>
      t
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('score', 'smallint', (c) => c.notNull()),
  ],
  [
    'resume_jobs',
    (t) =>
      t
        .addColumn('begin_at', 'bigint', (c) => c.notNull())
        .addColumn('end_at', 'bigint', (c) => c.notNull())
        .addColumn('company', 'varchar(100)', (c) => c.notNull())
        .addColumn('title', 'varchar(100)', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull()),
  ],
  [
    'resume_education',
    (t) =>
      t
        .addColumn('begin_at', 'bigint', (c) => c.notNull())
        .addColumn('end_at', 'bigint', (c) => c.notNull())
        .addColumn('school', 'varchar(100)', (c) => c.notNull())
        .addColumn('major', 'varchar(100)', (c) => c.notNull())
        .addColumn('degree', 'varchar(100)', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull()),
  ],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns] of tables) {
    const table = db.schema
      .createTable(name)
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('user_id', 'integer', (c) => c.notNull());
    await columns(table)
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addForeignKeyConstraint(`${name}_user_fk`, ['user_id'], 'users', ['id'], (fk) =>
        fk.onDelete('cascade'),
      )
      .modifyEnd(tableOptions(db))
      .execute();
    await db.schema.createIndex(`${name}_user_id`).on(name).column('user_id').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of [...tables].reverse()) await db.schema.dropTable(name).execute();
}
