import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  MysqlAdapter,
  MysqlDialect,
  type SelectQueryBuilder,
  SqliteDialect,
  type Transaction,
} from 'kysely';
import { createPool } from 'mysql2';
import type { Logger } from 'pino';
import { OutageLog } from '../outage-log.js';
import { BoundedPool, maxQueuedQueries, poolErrorCodes, type RequestLimits } from './bounded-pool.js';
import type { DatabaseSchema } from './schema.js';

export type Db = Kysely<DatabaseSchema>;
export type Tx = Transaction<DatabaseSchema>;
export type DialectName = 'mysql' | 'sqlite';

export interface Database {
  readonly db: Db;
  readonly dialect: DialectName;
  /** The MySQL pool's connections right now, for `/metrics`; absent for SQLite (no pool). */
  readonly poolStats?: () => PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  readonly inUse: number;
  readonly idle: number;
  /** Queries waiting for a connection because all `limit` are in use. */
  readonly waiting: number;
  readonly limit: number;
}

export interface DatabaseOptions {
  /** `mysql://...`; when absent the embedded SQLite file in dataDir is used. */
  readonly url: string | undefined;
  readonly dataDir: string;
  readonly poolSize: number;
  /** Overrides the SQLite file; tests give each instance its own. */
  readonly sqliteFile?: string;
  /**
   * Time limits for serving requests (MySQL only). Absent for migrations, the admin CLI and imports,
   * whose long statements are legitimate.
   */
  readonly limits?: RequestLimits;
  /** Where request traffic's MySQL outages are told, as they begin and end (OutageLog). */
  readonly log?: Logger;
}

/** The embedded database's file in DATA_DIR. */
export const embeddedDatabaseFile = (dataDir: string) => path.join(dataDir, 'app.db');

export function openDatabase(options: DatabaseOptions): Database {
  if (options.url) return openMysql(options.url, options.poolSize, options.limits, options.log);
  const file = options.sqliteFile ?? embeddedDatabaseFile(options.dataDir);
  const creating = file !== ':memory:' && !existsSync(file);
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  // Phones and password hashes are for this service's user only, as the secret file is. Before the
  // journal is switched to WAL: SQLite gives its -wal and -shm files the database file's mode.
  if (creating) chmodSync(file, 0o600);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's lower() and LIKE fold ASCII letters only; MySQL's lower() folds every letter, as the
  // title grams do (toLowerCase). Title searches compare folded text with this on SQLite.
  sqlite.function('fold_case', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? text.toLowerCase() : text,
  );
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

function openMysql(url: string, poolSize: number, limits: RequestLimits | undefined, log?: Logger): Database {
  const pool = createPool({
    uri: url,
    connectionLimit: poolSize,
    charset: 'utf8mb4',
    // Fail fast when MySQL is down instead of holding requests for the 10 s default.
    connectTimeout: limits?.timeoutMs ?? 2000,
    queueLimit: limits ? (limits.queueLimit ?? maxQueuedQueries) : 0,
    // Unix-millisecond and fen columns are BIGINT; they stay far below 2^53, so plain numbers are exact.
    supportBigNumbers: true,
    bigNumberStrings: false,
    timezone: 'Z',
    enableKeepAlive: true,
    // A pool connection's end() sends COM_QUIT and leaves the pool (BoundedPool closes idle ones so).
    gracefulEnd: true,
  });
  const db = new Kysely<DatabaseSchema>({
    dialect: new MysqlDialect({
      pool: limits ? new BoundedPool(pool, limits, log && new OutageLog(log, 'MySQL'), log) : pool,
      // readConsistently's snapshots need REPEATABLE READ. It is MySQL's default, but a server set to
      // READ COMMITTED (as some managed ones are) would answer each read of a snapshot from its own
      // moment: a demand unpaid beside its applicants selected. So each connection asks for it, once.
      onCreateConnection: (connection) =>
        connection
          .executeQuery(CompiledQuery.raw('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ'))
          .then(() => undefined),
    }),
  });
  // mysql2 keeps its counts in queues it does not type; read at scrape time, never per query.
  const queued = (field: string): number => {
    const queue: unknown = Reflect.get(pool, field);
    const length = typeof queue === 'object' && queue !== null ? Reflect.get(queue, 'length') : undefined;
    return typeof length === 'number' ? length : 0;
  };
  const poolStats = (): PoolStats => {
    const open = queued('_allConnections');
    const idle = queued('_freeConnections');
    // The limit the pool keeps to now: lower than DB_POOL_SIZE while the server refuses more (BoundedPool).
    const limit = pool.config.connectionLimit ?? poolSize;
    return { inUse: open - idle, idle, waiting: queued('_connectionQueue'), limit };
  };
  return { db, dialect: 'mysql', poolStats, close: () => db.destroy() };
}

/** The limits `config` sets for request traffic. */
export const requestLimitsOf = (config: {
  dbStatementTimeoutMs: number;
  dbTimeoutMs: number;
}): RequestLimits => ({ statementTimeoutMs: config.dbStatementTimeoutMs, timeoutMs: config.dbTimeoutMs });

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  // The embedded database held by another process (the admin CLI) beyond the busy timeout and retries.
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  ...Object.values(poolErrorCodes),
]);

/** The server stopped a statement at its time limit: MariaDB's ER_STATEMENT_TIMEOUT, MySQL's ER_QUERY_TIMEOUT. */
const statementTimeoutErrnos = new Set([1969, 3024]);

/**
 * True when an error means "the database cannot answer now" (unreachable, or not within the
 * request's time limits), as opposed to a bad query: the request answers 503.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, errno, fatal } = (error as { code?: unknown; errno?: unknown; fatal?: unknown } | null) ?? {};
  return (
    (typeof code === 'string' && connectionErrorCodes.has(code)) ||
    (typeof errno === 'number' && statementTimeoutErrnos.has(errno)) ||
    // mysql2 marks every error after which the connection is unusable as fatal, some without a
    // code: a connection lost inside a transaction fails its next statement, and Kysely's rollback
    // after it, with "Can't add new command when connection is in closed state". The rollback's
    // error is the one the request sees, so without this a MySQL that went away mid-transaction
    // answered 500 instead of 503.
    fatal === true
  );
}

/** True when an insert lost to a unique key, e.g. two sign-ups of one phone at the same moment. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * Whether `SELECT ... FOR UPDATE` exists. MySQL locks the rows; SQLite has no row locks and needs
 * none, because it runs one write transaction at a time.
 */
export function hasRowLocks(db: Db | Tx): boolean {
  return db.getExecutor().adapter instanceof MysqlAdapter;
}

/** How many rows the query (without its select list) matches. */
export async function countRows<DB, TB extends keyof DB>(
  query: SelectQueryBuilder<DB, TB, object>,
): Promise<number> {
  const row = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number((row as { n: number | string | bigint }).n);
}
