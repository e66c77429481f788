import type {
  MysqlPool,
  MysqlPoolConnection,
  MysqlQueryResult,
  MysqlStream,
  MysqlStreamOptions,
} from 'kysely';
import type { Pool, PoolConnection } from 'mysql2';

/** Time limits of request traffic on MySQL. Migrations and the admin CLI run without them. */
export interface RequestLimits {
  /** Longest one statement may run on the server before the server stops it. */
  readonly statementTimeoutMs: number;
  /**
   * Longest a query waits for a connection (the pool's queue, connecting included), and then for
   * its answer. More than `statementTimeoutMs`: when the server has not even said that it stopped
   * the statement, the connection is taken as dead and closed.
   */
  readonly timeoutMs: number;
  /** Queries that may wait for a connection; more are refused at once. Default `maxQueuedQueries`. */
  readonly queueLimit?: number;
}

/**
 * Queries waiting for a connection beyond this are refused at once: at a few milliseconds a query,
 * a longer queue would not drain within `timeoutMs` anyway, and each waiter holds a request open.
 */
export const maxQueuedQueries = 500;

/** While MySQL is unreachable, one query in this long is let through to find out whether it is back. */
const probeEveryMs = 200;

/** Our own failures, named so that `isDatabaseUnavailable` knows them. */
export const poolErrorCodes = {
  acquireTimeout: 'POOL_ACQUIRE_TIMEOUT',
  queueFull: 'POOL_QUEUE_FULL',
  deadConnection: 'POOL_DEAD_CONNECTION',
  unreachable: 'POOL_UNREACHABLE',
} as const;

const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

function codedError(message: string, code: string, cause?: unknown): Error {
  return Object.assign(new Error(message, { cause }), { code });
}

/** The server said something (a result or an error of its own), so the network to it works. */
const isServerAnswer = (error: unknown) =>
  !error || typeof (error as { sqlState?: unknown }).sqlState === 'string';

/** The server did not answer in time: the connection (or the network to it) is dead. */
const isSilence = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'PROTOCOL_SEQUENCE_TIMEOUT' || code === 'ETIMEDOUT';
};

/**
 * A mysql2 pool as Kysely uses it, with every wait bounded, so a MySQL that accepts connections
 * but never answers (a network partition) costs a request at most `timeoutMs`, not minutes:
 * - getting a connection has a deadline, and the queue for one a length;
 * - each connection carries a server-side statement limit (MariaDB `max_statement_time`, MySQL
 *   `MAX_EXECUTION_TIME`, which covers SELECTs only), set once when it is first handed out;
 * - each query has a client-side timeout; a connection that misses it is destroyed, never handed
 *   to the next request (mysql2 would keep it, with the unanswered query still at the head of its
 *   queue, so every later query on it would wait behind that one);
 * - once a connection has stayed silent past its timeout, MySQL counts as unreachable: queries
 *   waiting for a connection fail at once, and so do new ones, except one every `probeEveryMs`,
 *   which goes through to find out; the first answer from the server ends it. So a partition costs
 *   the first requests `timeoutMs` and the rest nothing, and the service is back within
 *   `probeEveryMs` or so of the network.
 */
export class BoundedPool implements MysqlPool {
  /** Each raw connection's wrapper, made once: Kysely keys its own per-connection state on it. */
  private readonly wrappers = new WeakMap<PoolConnection, BoundedConnection>();
  /** Which statement-limit variable the server knows; found on the first connection. */
  private flavour: 'mariadb' | 'mysql' | undefined;
  /** Queries waiting for a connection, to fail at once when MySQL turns out unreachable. */
  private readonly waiting = new Set<(error: unknown) => void>();
  private unreachable = false;
  private nextProbeAt = 0;

  constructor(
    private readonly pool: Pool,
    private readonly limits: RequestLimits,
  ) {}

  getConnection(callback: (error: unknown, connection: MysqlPoolConnection) => void): void {
    if (this.unreachable) {
      const now = Date.now();
      if (now < this.nextProbeAt) {
        process.nextTick(callback, codedError('the database is unreachable', poolErrorCodes.unreachable));
        return;
      }
      this.nextProbeAt = now + probeEveryMs;
    }
    let settled = false;
    const settle = (error: unknown, connection?: BoundedConnection) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.waiting.delete(settle);
      callback(error, connection as MysqlPoolConnection);
    };
    const timer = setTimeout(
      () => settle(codedError('timed out waiting for a database connection', poolErrorCodes.acquireTimeout)),
      this.limits.timeoutMs,
    );
    this.waiting.add(settle);
    this.pool.getConnection((error, raw) => {
      if (error) {
        if (isSilence(error)) this.markUnreachable();
        const queueFull = /queue limit/i.test(String((error as Error).message));
        settle(queueFull ? codedError('too many queries waiting', poolErrorCodes.queueFull, error) : error);
        return;
      }
      if (settled) {
        // Too late for this query: the connection goes to whoever waits next.
        raw.release();
        return;
      }
      const known = this.wrappers.get(raw);
      if (known) {
        settle(null, known);
        return;
      }
      const fresh = new BoundedConnection(raw, this.limits.timeoutMs, this);
      this.wrappers.set(raw, fresh);
      this.limitStatements(fresh).then(
        () => (settled ? fresh.release() : settle(null, fresh)),
        (failure: unknown) => {
          this.wrappers.delete(raw);
          raw.destroy();
          settle(failure);
        },
      );
    });
  }

  end(callback: (error: unknown) => void): void {
    this.pool.end(callback);
  }

  /** Called with every query's outcome. */
  observe(error: unknown): void {
    if (isServerAnswer(error)) this.unreachable = false;
    else if (isSilence(error)) this.markUnreachable();
  }

  private markUnreachable(): void {
    if (this.unreachable) return;
    this.unreachable = true;
    this.nextProbeAt = Date.now() + probeEveryMs;
    for (const settle of [...this.waiting]) {
      settle(codedError('the database is unreachable', poolErrorCodes.unreachable));
    }
  }

  private async limitStatements(connection: BoundedConnection): Promise<void> {
    const ms = this.limits.statementTimeoutMs;
    if (this.flavour !== 'mysql') {
      try {
        await connection.run(`SET SESSION max_statement_time = ${(ms / 1000).toFixed(3)}`);
        this.flavour = 'mariadb';
        return;
      } catch (error) {
        if ((error as { errno?: number }).errno !== ER_UNKNOWN_SYSTEM_VARIABLE) throw error;
        this.flavour = 'mysql';
      }
    }
    await connection.run(`SET SESSION MAX_EXECUTION_TIME = ${Math.round(ms)}`);
  }
}

class BoundedConnection implements MysqlPoolConnection {
  private dead = false;

  constructor(
    private readonly raw: PoolConnection,
    private readonly timeoutMs: number,
    private readonly pool: BoundedPool,
  ) {}

  query(sql: string, parameters: unknown[]): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> };
  query(
    sql: string,
    parameters: unknown[],
    callback: (error: unknown, result: MysqlQueryResult) => void,
  ): void;
  query(
    sql: string,
    parameters: unknown[],
    callback?: (error: unknown, result: MysqlQueryResult) => void,
  ): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> } | undefined {
    const options = { sql, values: parameters, timeout: this.timeoutMs };
    if (!callback) return this.raw.query(options) as never;
    if (this.dead) {
      // Kysely's rollback after the failed query lands here; the server rolls back on the close.
      const error = codedError('the connection was closed after a timeout', poolErrorCodes.deadConnection);
      process.nextTick(callback, error, []);
      return undefined;
    }
    this.raw.query(options, (error, result) => {
      if (isSilence(error)) {
        this.dead = true;
        this.raw.destroy();
      }
      this.pool.observe(error);
      callback(error, result as MysqlQueryResult);
    });
    return undefined;
  }

  /** One statement of our own, with the same timeout. */
  run(sql: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.query(sql, [], (error) => (error ? reject(error) : resolve())),
    );
  }

  release(): void {
    if (!this.dead) this.raw.release();
  }
}
