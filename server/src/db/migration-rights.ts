import { randomBytes } from 'node:crypto';
import { MysqlAdapter, sql } from 'kysely';
import { StartupError } from '../startup-error.js';
import type { Db } from './database.js';

type Statements = ReadonlyArray<readonly [right: string, statement: string]>;

/**
 * MySQL runs each schema statement on its own, outside any transaction: a migration refused halfway
 * (a user allowed tables but not triggers, common on managed MySQL) left its first tables behind,
 * unrecorded, and every later start failed on "Table 'wallets' already exists". So before
 * migrations run, each kind of statement they use is tried on a scratch table of this process's
 * own, and a missing right is named before anything is written.
 */
export async function checkMigrationRights(db: Db): Promise<void> {
  if (!(db.getExecutor().adapter instanceof MysqlAdapter)) return;
  const probe = `kysely_rights_probe_${randomBytes(4).toString('hex')}`;
  const statements: Statements = [
    [
      'CREATE, REFERENCES',
      `create table ${probe} (id integer primary key, parent integer, foreign key (parent) references ${probe} (id)) engine=InnoDB`,
    ],
    ['ALTER', `alter table ${probe} add column n integer`],
    ['INDEX', `create index ${probe}_n on ${probe} (n)`],
    ['TRIGGER', `create trigger ${probe}_t before update on ${probe} for each row set new.n = new.n`],
    ['TRIGGER', `drop trigger ${probe}_t`],
    ['LOCK TABLES', `lock tables ${probe} write`],
    ['LOCK TABLES', 'unlock tables'],
    ['DROP', `drop table ${probe}`],
  ];
  // One connection: a table lock holds for the connection that took it.
  await db.connection().execute(async (connection) => {
    try {
      await runAll(connection, statements);
    } finally {
      await sql
        .raw('unlock tables')
        .execute(connection)
        .catch(() => undefined);
      await sql
        .raw(`drop table if exists ${probe}`)
        .execute(connection)
        .catch(() => undefined);
    }
  });
}

async function runAll(db: Db, statements: Statements): Promise<void> {
  for (const [right, statement] of statements) {
    await sql
      .raw(statement)
      .execute(db)
      .catch((error: unknown) => {
        throw new StartupError(
          `the database user may not run the migrations (${right}): ${error instanceof Error ? error.message : String(error)}. ` +
            'Grant it CREATE, ALTER, INDEX, DROP, REFERENCES, TRIGGER and LOCK TABLES on the database (with binary ' +
            'logging on, creating a trigger also needs log_bin_trust_function_creators=1 or SUPER); no migration was run',
        );
      });
  }
}
