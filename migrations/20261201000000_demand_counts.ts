import { type Kysely, sql } from 'kysely';
import { isMysql, tableOptions } from './support.js';

// Frozen in time: imports no application code.

/** Ids per bucket of `demand_count_buckets`; the code that reads the buckets uses the same number. */
const bucketSize = 1024;

/**
 * How many demands there are per review state and kind (`demand_counts`), and per block of 1024
 * ids (`demand_count_buckets`), kept by triggers in the same transaction as every insert, delete
 * and change of state or kind, whichever code path writes. The public list shows its total on every
 * page: counting 800k reviewed rows per request took ~75 ms at 1M demands. And a deep page starts
 * from the bucket holding its first row instead of walking the index from the newest demand.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('demand_counts')
    .addColumn('review_state', 'smallint', (c) => c.notNull())
    .addColumn('kind', 'smallint', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('demand_counts_pk', ['review_state', 'kind'])
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema
    .createTable('demand_count_buckets')
    .addColumn('review_state', 'smallint', (c) => c.notNull())
    .addColumn('kind', 'smallint', (c) => c.notNull())
    .addColumn('bucket', 'integer', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
    // Bucket before kind: the rows of a state come in bucket order, so summing them per bucket
    // (for the list of all kinds) streams through the key without a temporary table.
    .addPrimaryKeyConstraint('demand_count_buckets_pk', ['review_state', 'bucket', 'kind'])
    .modifyEnd(tableOptions(db))
    .execute();

  const mysql = isMysql(db);
  const bucketOf = (row: string) => (mysql ? `${row}.id DIV ${bucketSize}` : `${row}.id / ${bucketSize}`);
  const upsert = (table: string, keys: string[], values: string[], by: 1 | -1) =>
    `INSERT INTO ${table} (${keys.join(', ')}, n) VALUES (${values.join(', ')}, ${by}) ` +
    (mysql ? 'ON DUPLICATE KEY UPDATE' : `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET`) +
    ` n = n + ${by};`;
  /** Counts `row` (NEW or OLD) in or out of both tables: the total first, then the bucket. */
  const add = (row: 'NEW' | 'OLD', by: 1 | -1) =>
    upsert('demand_counts', ['review_state', 'kind'], [`${row}.review_state`, `${row}.kind`], by) +
    upsert(
      'demand_count_buckets',
      ['review_state', 'kind', 'bucket'],
      [`${row}.review_state`, `${row}.kind`, bucketOf(row)],
      by,
    );

  const triggers = mysql
    ? [
        `CREATE TRIGGER demand_counts_insert AFTER INSERT ON demands FOR EACH ROW BEGIN ${add('NEW', 1)} END`,
        `CREATE TRIGGER demand_counts_delete AFTER DELETE ON demands FOR EACH ROW BEGIN ${add('OLD', -1)} END`,
        // Counter rows are locked in one order (state, then kind), whichever way a demand moves, so
        // two demands moving opposite ways cannot deadlock on them.
        `CREATE TRIGGER demand_counts_update AFTER UPDATE ON demands FOR EACH ROW
         BEGIN
           IF OLD.review_state <> NEW.review_state OR OLD.kind <> NEW.kind THEN
             IF OLD.review_state < NEW.review_state OR (OLD.review_state = NEW.review_state AND OLD.kind < NEW.kind) THEN
               ${add('OLD', -1)}
               ${add('NEW', 1)}
             ELSE
               ${add('NEW', 1)}
               ${add('OLD', -1)}
             END IF;
           END IF;
         END`,
      ]
    : [
        `CREATE TRIGGER demand_counts_insert AFTER INSERT ON demands BEGIN ${add('NEW', 1)} END`,
        `CREATE TRIGGER demand_counts_delete AFTER DELETE ON demands BEGIN ${add('OLD', -1)} END`,
        `CREATE TRIGGER demand_counts_update AFTER UPDATE OF review_state, kind ON demands
         WHEN OLD.review_state <> NEW.review_state OR OLD.kind <> NEW.kind
         BEGIN ${add('OLD', -1)} ${add('NEW', 1)} END`,
      ];
  for (const trigger of triggers) await sql.raw(trigger).execute(db);

  // The demands that exist already. Migrations run before the service answers, so nothing writes
  // demands between the triggers' creation and this.
  await sql`
    insert into demand_counts (review_state, kind, n)
    select review_state, kind, count(*) from demands group by review_state, kind`.execute(db);
  await sql
    .raw(
      `insert into demand_count_buckets (review_state, kind, bucket, n)
       select review_state, kind, ${bucketOf('demands')}, count(*) from demands
       group by review_state, kind, ${bucketOf('demands')}`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const event of ['insert', 'delete', 'update']) {
    await sql.raw(`DROP TRIGGER IF EXISTS demand_counts_${event}`).execute(db);
  }
  await db.schema.dropTable('demand_count_buckets').execute();
  await db.schema.dropTable('demand_counts').execute();
}
