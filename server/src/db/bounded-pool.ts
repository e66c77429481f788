import type {
  MysqlPool,
  MysqlPoolConnection,
  MysqlQueryResult,
  MysqlStream,
  MysqlStreamOptions,
} from 'kysely';
import type { Pool, PoolConnection } from 'mysql2';
import type { Logger } from 'pino';
import type { OutageLog } from '../outage-log.js';

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
  /** Longest a connection stays open unused before it is closed. Default `idleConnectionMs`. */
  readonly idleMs?: number;
}

/**
 * Queries waiting for a connection beyond this are refused at once: at a few milliseconds a query,
 * a longer queue would not drain within `timeoutMs` anyway, and each waiter holds a request open.
 */
export const maxQueuedQueries = 500;

/**
 * A connection left unused this long is closed. mysql2 keeps a pool's connections for good: after a
 * burst, instances whose pools together reach MySQL's max_connections held every connection while
 * idle, and an operator could not connect, even after traffic had stopped. A busy pool keeps its
 * connections (each is used again within milliseconds); a quiet one lets them go within a minute,
 * and the next request opens one again (a few milliseconds).
 */
const idleConnectionMs = 60_000;

/** While MySQL is unreachable, one query in this long is let through to find out whether it is back. */
const probeEveryMs = 200;

/**
 * How often the watchdog looks for waits past their deadline, as a share of `timeoutMs`: a wait
 * ends at most a tenth of its limit late. One interval for the whole pool instead of a timer per
 * query and per wait: the timers (and mysql2's object form of a query, which its own timeout
 * needs) cost more than the rest of the pool's work on a request.
 */
const watchdogTicksPerTimeout = 10;

/** Our own failures, named so that `isDatabaseUnavailable` knows them. */
export const poolErrorCodes = {
  acquireTimeout: 'POOL_ACQUIRE_TIMEOUT',
  queueFull: 'POOL_QUEUE_FULL',
  deadConnection: 'POOL_DEAD_CONNECTION',
  unreachable: 'POOL_UNREACHABLE',
  queryTimeout: 'POOL_QUERY_TIMEOUT',
} as const;

const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;
/** The server's max_connections reached: it refused a new connection, and serves the others. */
const ER_CON_COUNT_ERROR = 1040;

/** How long a pool the server would not let grow keeps to the size it reached before trying again. */
const regrowAfterMs = 30_000;

function codedError(message: string, code: string, cause?: unknown): Error {
  return Object.assign(new Error(message, { cause }), { code });
}

/** The server said something (a result or an error of its own), so the network to it works. */
const isServerAnswer = (error: unknown) =>
  !error || typeof (error as { sqlState?: unknown }).sqlState === 'string';

/** The server did not answer in time: the connection (or the network to it) is dead. */
const isSilence = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === poolErrorCodes.queryTimeout || code === 'PROTOCOL_SEQUENCE_TIMEOUT' || code === 'ETIMEDOUT';
};

/**
 * A mysql2 pool as Kysely uses it, with every wait bounded, so a MySQL that accepts connections
 * but never answers (a network partition) costs a request at most `timeoutMs`, not minutes:
 * - getting a connection has a deadline, and the queue for one a length;
 * - each connection carries a server-side statement limit (MariaDB `max_statement_time`, MySQL
 *   `MAX_EXECUTION_TIME`, which covers SELECTs only), set once when it is first handed out;
 * - each query has a deadline; a connection that misses it is destroyed, never handed to the next
 *   request (mysql2 would keep it, with the unanswered query still at the head of its queue, so
 *   every later query on it would wait behind that one);
 * - once a connection has stayed silent past its deadline, MySQL counts as unreachable: queries
 *   waiting for a connection fail at once, and so do new ones, except one every `probeEveryMs`,
 *   which goes through to find out; the first answer from the server ends it. So a partition costs
 *   the first requests `timeoutMs` and the rest nothing, and the service is back within
 *   `probeEveryMs` or so of the network.
 * Deadlines are kept by one watchdog interval (see `watchdogTicksPerTimeout`), on a clock that
 * leaves out the time the event loop stood still (`clock`).
 */
export class BoundedPool implements MysqlPool {
  /** Each raw connection's wrapper, made once: Kysely keys its own per-connection state on it. */
  private readonly wrappers = new WeakMap<PoolConnection, BoundedConnection>();
  /** Which statement-limit variable the server knows; found on the first connection. */
  private flavour: 'mariadb' | 'mysql' | undefined;
  /** Queries waiting for a connection, each with its deadline. */
  private readonly waiting = new Set<Waiter>();
  /** Connections with a query in flight. */
  readonly running = new Set<BoundedConnection>();
  private readonly watchdog: NodeJS.Timeout;
  private unreachable = false;
  private nextProbeAt = 0;
  /** When the server last answered a query, on any connection. */
  private lastAnswerAt = 0;
  /**
   * How long the event loop has stood still, all told, as the watchdog saw it (its ticks that much
   * late): a request's long synchronous work. Answers MySQL sent meanwhile wait unread in the
   * sockets, and a timer runs before they are read: counted against the deadlines, a stall over
   * `timeoutMs` failed every query in flight, replaced the connections and took MySQL for
   * unreachable, answering other users 503 for time MySQL had not taken.
   */
  private stalledMs = 0;
  private lastTickAt = Date.now();

  /** The pool's size as configured; while the server refuses more connections, it keeps to fewer. */
  private readonly configuredLimit: number;
  /** Ends the keeping to fewer (keepToOpenConnections). */
  private regrowTimer: NodeJS.Timeout | undefined;
  private readonly idleMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly limits: RequestLimits,
    private readonly outages?: OutageLog,
    private readonly log?: Logger,
  ) {
    this.configuredLimit = pool.config.connectionLimit ?? 10;
    this.idleMs = limits.idleMs ?? idleConnectionMs;
    const tick = Math.max(1, Math.round(limits.timeoutMs / watchdogTicksPerTimeout));
    this.watchdog = setInterval(() => this.onTick(tick), tick).unref();
  }

  /** Now, on the deadlines' clock: the time the event loop stood still left out. */
  clock(): number {
    return Date.now() - this.stalledMs;
  }

  get timeoutMs(): number {
    return this.limits.timeoutMs;
  }

  getConnection(callback: (error: unknown, connection: MysqlPoolConnection) => void): void {
    const now = Date.now();
    if (this.unreachable) {
      if (now < this.nextProbeAt) {
        process.nextTick(callback, codedError('the database is unreachable', poolErrorCodes.unreachable));
        return;
      }
      this.nextProbeAt = now + probeEveryMs;
    }
    const waiter = new Waiter(this.clock() + this.limits.timeoutMs, callback);
    this.waiting.add(waiter);
    this.connect(waiter);
  }

  private connect(waiter: Waiter): void {
    this.pool.getConnection((error, raw) => {
      if (error) {
        // Not an outage: the server serves the connections the pool has, and the query waits for one.
        if ((error as { errno?: unknown }).errno === ER_CON_COUNT_ERROR && this.keepToOpenConnections()) {
          if (!waiter.settled) this.connect(waiter);
          return;
        }
        if (isSilence(error)) this.markUnreachable();
        const queueFull = /queue limit/i.test(String((error as Error).message));
        if (!queueFull) {
          this.outages?.failed(error);
          // MySQL unreachable (a restart): what it refused before says nothing of what it will give.
          this.stopKeepingToFewer();
        }
        this.settle(
          waiter,
          queueFull ? codedError('too many queries waiting', poolErrorCodes.queueFull, error) : error,
        );
        return;
      }
      if (waiter.settled) {
        // Too late for this query: the connection goes to whoever waits next.
        raw.release();
        return;
      }
      const known = this.wrappers.get(raw);
      if (known) {
        this.settle(waiter, null, known);
        return;
      }
      const fresh = new BoundedConnection(raw, this);
      this.wrappers.set(raw, fresh);
      this.limitStatements(fresh).then(
        () => (waiter.settled ? fresh.release() : this.settle(waiter, null, fresh)),
        (failure: unknown) => {
          this.wrappers.delete(raw);
          raw.destroy();
          this.settle(waiter, failure);
        },
      );
    });
  }

  end(callback: (error: unknown) => void): void {
    clearInterval(this.watchdog);
    clearTimeout(this.regrowTimer);
    this.pool.end(callback);
  }

  /**
   * MySQL refused a new connection at its max_connections (the instances' pools together ask more
   * than it allows). Each query that would have opened one failed with 503, a steady share of all
   * requests while MySQL served the rest, and the log told an outage and its end again and again.
   * While the pool holds (or is opening) connections of its own, it now keeps to them for
   * `regrowAfterMs`, queries waiting their turn as they do when the pool is full, and the log says
   * so once. False when it has none: then MySQL has none to give this instance, and the query
   * fails.
   */
  private keepToOpenConnections(): boolean {
    // mysql2's list of the pool's connections, the refused one already left out (read, as for /metrics).
    const connections: unknown = Reflect.get(this.pool, '_allConnections');
    const held = Number(Reflect.get(Object(connections), 'length') ?? 0);
    if (!(held > 0)) return false;
    const limit = this.pool.config.connectionLimit ?? this.configuredLimit;
    if (held < limit) {
      if (limit === this.configuredLimit) {
        this.log?.warn(
          { store: 'MySQL', configured: this.configuredLimit },
          `MySQL refuses more connections (max_connections): this instance keeps to those it has for ${regrowAfterMs / 1000} s; give the server more connections or lower DB_POOL_SIZE`,
        );
      }
      this.pool.config.connectionLimit = held;
      clearTimeout(this.regrowTimer);
      this.regrowTimer = setTimeout(() => this.stopKeepingToFewer(), regrowAfterMs).unref();
    }
    return true;
  }

  private stopKeepingToFewer(): void {
    clearTimeout(this.regrowTimer);
    this.pool.config.connectionLimit = this.configuredLimit;
  }

  /**
   * Called with every query's outcome, and when the query was sent. A query left unanswered while
   * the server answered others sent after it is a slow statement, not a silent server: on MySQL
   * the server's limit covers SELECTs only, so a write waiting on a row lock a long transaction
   * holds ends at the client's deadline. That request fails; the pool must not take MySQL for
   * unreachable and refuse every other request for it. Nor is one connection lost (killed by an
   * operator, closed by the server's wait_timeout) an outage: each was logged as one, and as its end
   * at the next answer. A MySQL that is down refuses the next connection, which the log tells.
   */
  observe(error: unknown, sentAt: number): void {
    if (isServerAnswer(error)) {
      this.unreachable = false;
      this.lastAnswerAt = Date.now();
      this.outages?.answered();
    } else if (isSilence(error) && this.lastAnswerAt <= sentAt) {
      this.markUnreachable();
      this.outages?.failed(error);
    }
  }

  private settle(waiter: Waiter, error: unknown, connection?: BoundedConnection): void {
    if (waiter.settled) return;
    waiter.settled = true;
    this.waiting.delete(waiter);
    waiter.callback(error, connection as MysqlPoolConnection);
  }

  private onTick(tickMs: number): void {
    const now = Date.now();
    const late = now - this.lastTickAt - tickMs;
    this.lastTickAt = now;
    if (late > tickMs) this.stalledMs += late;
    this.expire(this.clock());
    this.closeIdle(now);
  }

  /**
   * Closes the connections unused for `idleMs` (see `idleConnectionMs`), with a COM_QUIT the server
   * logs as a normal close (the pool's `gracefulEnd`; a plain destroy is an "Aborted connection" in
   * its log). mysql2's own idle timeout cannot do this alone: it also closes, at once, every free
   * connection beyond a count, so a busy pool would close and reopen connections every second.
   */
  private closeIdle(now: number): void {
    // mysql2's list of unused connections, least recently used first (it hands out the last).
    const free = Reflect.get(this.pool, '_freeConnections') as IdleConnections | undefined;
    if (!free) return;
    // At most one pass over the list, should a connection fail to leave it.
    for (let left = free.length; left > 0 && free.length > 0; left--) {
      const oldest = free.get(0);
      if (now - oldest.lastActiveTime < this.idleMs) return;
      oldest.end();
    }
  }

  /** Ends every wait past its deadline (`now` on the deadlines' clock): for a connection, and for a query's answer. */
  private expire(now: number): void {
    for (const waiter of this.waiting) {
      if (waiter.deadline <= now) {
        this.settle(
          waiter,
          codedError('timed out waiting for a database connection', poolErrorCodes.acquireTimeout),
        );
      }
    }
    for (const connection of this.running) connection.expireBy(now);
  }

  private markUnreachable(): void {
    if (this.unreachable) return;
    this.unreachable = true;
    this.nextProbeAt = Date.now() + probeEveryMs;
    for (const waiter of this.waiting) {
      this.settle(waiter, codedError('the database is unreachable', poolErrorCodes.unreachable));
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

/** mysql2's queue of unused connections, as `closeIdle` reads it. */
interface IdleConnections {
  readonly length: number;
  get(index: number): PoolConnection & { readonly lastActiveTime: number };
}

/** A query waiting for a connection. */
class Waiter {
  settled = false;
  constructor(
    readonly deadline: number,
    readonly callback: (error: unknown, connection: MysqlPoolConnection) => void,
  ) {}
}

type QueryCallback = (error: unknown, result: MysqlQueryResult) => void;

class BoundedConnection implements MysqlPoolConnection {
  private dead = false;
  /** The query in flight (Kysely runs one at a time on a connection) and its deadline. */
  private pending: QueryCallback | undefined;
  private sentAt = 0;
  private deadline = 0;

  constructor(
    private readonly raw: PoolConnection,
    private readonly pool: BoundedPool,
  ) {}

  query(sql: string, parameters: unknown[]): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> };
  query(sql: string, parameters: unknown[], callback: QueryCallback): void;
  query(
    sql: string,
    parameters: unknown[],
    callback?: QueryCallback,
  ): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> } | undefined {
    // A stream (rare: nothing on a request's path) keeps mysql2's own timeout.
    if (!callback) return this.raw.query({ sql, values: parameters, timeout: this.pool.timeoutMs }) as never;
    if (this.dead) {
      // Kysely's rollback after the failed query lands here; the server rolls back on the close.
      const error = codedError('the connection was closed after a timeout', poolErrorCodes.deadConnection);
      process.nextTick(callback, error, []);
      return undefined;
    }
    this.pending = callback;
    this.sentAt = Date.now();
    this.deadline = this.pool.clock() + this.pool.timeoutMs;
    this.pool.running.add(this);
    this.raw.query(sql, parameters, (error, result) => {
      // Answered after the watchdog gave up on it: the caller has been told already.
      if (this.pending !== callback) return;
      this.finish();
      this.pool.observe(error, this.sentAt);
      callback(error, result as MysqlQueryResult);
    });
    return undefined;
  }

  /** The watchdog's check (`now` on the pool's clock): a query unanswered past its deadline fails, and the connection is closed. */
  expireBy(now: number): void {
    const callback = this.pending;
    if (!callback || this.deadline > now) return;
    this.finish();
    this.dead = true;
    this.raw.destroy();
    const error = codedError('the database did not answer in time', poolErrorCodes.queryTimeout);
    this.pool.observe(error, this.sentAt);
    callback(error, []);
  }

  /** One statement of our own, with the same deadline. */
  run(sql: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.query(sql, [], (error) => (error ? reject(error) : resolve())),
    );
  }

  release(): void {
    if (!this.dead) this.raw.release();
  }

  private finish(): void {
    this.pending = undefined;
    this.pool.running.delete(this);
  }
}
