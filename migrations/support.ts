import { type Kysely, MysqlAdapter, sql } from 'kysely';

// Helpers for migrations only. Like the migrations, this file imports no application code.

export function isMysql(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof MysqlAdapter;
}

/** MySQL tables need utf8mb4 spelled out: a server default of latin1 would mangle Chinese text. */
export function tableOptions(db: Kysely<unknown>) {
  return sql.raw(isMysql(db) ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '');
}
