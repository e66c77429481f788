import { type Kysely, sql } from 'kysely';
import { isMysql, tableOptions } from './support.js';

// Frozen in time: imports no application code.

/** Ids per bucket of `demand_count_buckets`, as 20261201000000_demand_counts counts them. */
const bucketSize = 1024;
/** Buckets per block of `demand_count_blocks`: 65,536 ids. */
const bucketsPerBlock = 64;

/**
 * A second, coarser level of kept counts: per review state, kind and block of 64 buckets. A deep
 * page finds the bucket holding its first row by summing counts newest first; at 1M demands that
 * summed ~2900 bucket rows (~2.4 ms of MariaDB, more than all of page 1). With blocks it sums the
 * ~50 block rows, then the ≤ 192 bucket rows of one block.
 *
 * The triggers of 20261201000000_demand_counts are replaced by the same ones with a third upsert,
 * so the blocks change in the same transaction as the demand, whoever writes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('demand_count_blocks')
    .addColumn('review_state', 'smallint', (c) => c.notNull())
    .addColumn('kind', 'smallint', (c) => c.notNull())
    .addColumn('block', 'integer', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
    // Block before kind, as for the buckets: a state's rows stream in block order for all kinds.
    .addPrimaryKeyConstraint('demand_count_blocks_pk', ['review_state', 'block', 'kind'])
    .modifyEnd(tableOptions(db))
    .execute();
  await withDemandsLocked(db, async (locked) => {
    await replaceTriggers(locked, true);
    await sql
      .raw(
        `insert into demand_count_blocks (review_state, kind, block, n)
         select review_state, kind, ${blockOf(db, 'demands')}, count(*) from demands
         group by review_state, kind, ${blockOf(db, 'demands')}`,
      )
      .execute(locked);
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await withDemandsLocked(db, (locked) => replaceTriggers(locked, false));
  await db.schema.dropTable('demand_count_blocks').execute();
}

/**
 * Runs `change` while no one else writes demands or their counts. Instances of the previous
 * version may still be serving while one migrates: a demand written between dropping the old
 * triggers and creating the new ones, or between those and the backfill, would be counted wrong
 * for good. MySQL's DDL cannot be in a transaction, so the tables are locked on one connection;
 * SQLite's migration is one transaction already.
 */
async function withDemandsLocked(
  db: Kysely<unknown>,
  change: (locked: Kysely<unknown>) => Promise<void>,
): Promise<void> {
  if (!isMysql(db)) return change(db);
  await db.connection().execute(async (connection) => {
    await sql`lock tables demands write, demand_counts write, demand_count_buckets write, demand_count_blocks write`.execute(
      connection,
    );
    try {
      await change(connection);
    } finally {
      await sql`unlock tables`.execute(connection);
    }
  });
}

const divide = (db: Kysely<unknown>, row: string, by: number) =>
  isMysql(db) ? `${row}.id DIV ${by}` : `${row}.id / ${by}`;
const bucketOf = (db: Kysely<unknown>, row: string) => divide(db, row, bucketSize);
const blockOf = (db: Kysely<unknown>, row: string) => divide(db, row, bucketSize * bucketsPerBlock);

/** The triggers of 20261201000000_demand_counts, with the blocks counted too (`withBlocks`) or not. */
async function replaceTriggers(db: Kysely<unknown>, withBlocks: boolean): Promise<void> {
  const mysql = isMysql(db);
  const upsert = (table: string, keys: string[], values: string[], by: 1 | -1) =>
    `INSERT INTO ${table} (${keys.join(', ')}, n) VALUES (${values.join(', ')}, ${by}) ` +
    (mysql ? 'ON DUPLICATE KEY UPDATE' : `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET`) +
    ` n = n + ${by};`;
  /** Counts `row` (NEW or OLD) in or out of every level: the total first, then bucket, then block. */
  const add = (row: 'NEW' | 'OLD', by: 1 | -1) =>
    upsert('demand_counts', ['review_state', 'kind'], [`${row}.review_state`, `${row}.kind`], by) +
    upsert(
      'demand_count_buckets',
      ['review_state', 'kind', 'bucket'],
      [`${row}.review_state`, `${row}.kind`, bucketOf(db, row)],
      by,
    ) +
    (withBlocks
      ? upsert(
          'demand_count_blocks',
          ['review_state', 'kind', 'block'],
          [`${row}.review_state`, `${row}.kind`, blockOf(db, row)],
          by,
        )
      : '');

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
  for (const event of ['insert', 'delete', 'update']) {
    await sql.raw(`DROP TRIGGER IF EXISTS demand_counts_${event}`).execute(db);
  }
  for (const trigger of triggers) await sql.raw(trigger).execute(db);
}
