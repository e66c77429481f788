import { type Kysely, sql } from 'kysely';
import { isMysql, tableOptions } from './support.js';

// Frozen in time: imports no application code. Money is BIGINT fen; balances never go negative.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wallets')
    .addColumn('user_id', 'integer', (c) => c.primaryKey())
    .addColumn('balance_fen', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`balance_fen >= 0`))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();

  await db.schema
    .alterTable('demands')
    .addColumn('escrow_fen', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`escrow_fen >= 0`))
    .execute();

  // Double entry: every movement takes `amount_fen` from one account and gives it to another.
  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('from_account', 'varchar(40)', (c) => c.notNull())
    .addColumn('to_account', 'varchar(40)', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('demand_id', 'integer')
    .addColumn('application_id', 'integer')
    .addColumn('recharge_id', 'integer')
    .addColumn('idempotency_key', 'varchar(160)', (c) => c.unique())
    .addColumn('note', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.createIndex('ledger_from').on('ledger_entries').columns(['from_account', 'id']).execute();
  await db.schema.createIndex('ledger_to').on('ledger_entries').columns(['to_account', 'id']).execute();

  // The ledger is append-only, enforced by the database itself and not only by the code.
  if (isMysql(db)) {
    for (const event of ['UPDATE', 'DELETE']) {
      await sql
        .raw(
          `CREATE TRIGGER ledger_entries_no_${event.toLowerCase()} BEFORE ${event} ON ledger_entries FOR EACH ROW ` +
            `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger entries are immutable'`,
        )
        .execute(db);
    }
  } else {
    for (const event of ['UPDATE', 'DELETE']) {
      await sql
        .raw(
          `CREATE TRIGGER ledger_entries_no_${event.toLowerCase()} BEFORE ${event} ON ledger_entries ` +
            `BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END`,
        )
        .execute(db);
    }
  }

  await db.schema
    .createTable('recharges')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('note', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('invoiced', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.createIndex('recharges_user').on('recharges').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('invoice_requests')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('recharge_id', 'integer', (c) => c.notNull().unique())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('issued', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('issued_at', 'bigint')
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema
    .createIndex('invoice_requests_user')
    .on('invoice_requests')
    .columns(['user_id', 'id'])
    .execute();
  await db.schema
    .createIndex('invoice_requests_issued')
    .on('invoice_requests')
    .columns(['issued', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invoice_requests').execute();
  await db.schema.dropTable('recharges').execute();
  await db.schema.dropTable('ledger_entries').execute();
  await db.schema.alterTable('demands').dropColumn('escrow_fen').execute();
  await db.schema.dropTable('wallets').execute();
}
