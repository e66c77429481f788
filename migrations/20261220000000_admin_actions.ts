import { type Kysely, sql } from 'kysely';
import { isMysql, tableOptions } from './support.js';

// Frozen in time: imports no application code.

/**
 * The operators' audit trail: every admin action (a review, a credit, a withdrawal...) with who
 * did it, what it touched, and the state before and after. Append-only, like the ledger, and
 * enforced by the database itself.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('admin_actions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    // The admin's user id; null for the admin CLI, which runs with the operator's shell rights.
    .addColumn('admin_id', 'integer')
    .addColumn('action', 'varchar(60)', (c) => c.notNull())
    .addColumn('target_type', 'varchar(40)', (c) => c.notNull())
    .addColumn('target_id', 'integer', (c) => c.notNull())
    // The user the action concerns (a demand's owner, a wallet's holder), for a user's history.
    .addColumn('user_id', 'integer')
    .addColumn('before_json', 'text', (c) => c.notNull())
    .addColumn('after_json', 'text', (c) => c.notNull())
    // What the admin gave: the amount, the note, the reason.
    .addColumn('detail_json', 'text', (c) => c.notNull())
    // A retried credit or withdrawal (same idempotency key) is one action, recorded once.
    .addColumn('idempotency_key', 'varchar(200)', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.createIndex('admin_actions_user').on('admin_actions').columns(['user_id', 'id']).execute();

  for (const event of ['UPDATE', 'DELETE']) {
    const name = `admin_actions_no_${event.toLowerCase()}`;
    await sql
      .raw(
        isMysql(db)
          ? `CREATE TRIGGER ${name} BEFORE ${event} ON admin_actions FOR EACH ROW ` +
              `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'admin actions are immutable'`
          : `CREATE TRIGGER ${name} BEFORE ${event} ON admin_actions ` +
              `BEGIN SELECT RAISE(ABORT, 'admin actions are immutable'); END`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('admin_actions').execute();
}
