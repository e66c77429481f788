import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { clusterUrlOfNodes, parseRedisTarget } from './kv/redis-target.js';
import { secretAdvice, secretWeakness } from './secret-strength.js';

/** Longest delay Node's timers take; a longer one fires at once (TimeoutOverflowWarning). */
const maxTimerMs = 2 ** 31 - 1;

/**
 * A whole number written as digits. `z.coerce.number()` read an empty or blank value as 0 (so
 * `PORT=` listened on a random port, `METRICS_PORT=` served metrics on one) and took `0x10` or
 * `1e3`; a variable that is set must say its number plainly.
 */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  wholeNumber(1, max).default(fallback);
const port = wholeNumber(0, 65535);
const timeoutMs = (fallback: number) => positiveInt(fallback, maxTimerMs);
const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((value) => value === 'true' || value === '1');

/** Checks a Redis URL with the same parser the store uses, so a typo fails at boot, not at the first request. */
const redisUrl = z.string().superRefine((url, ctx) => {
  try {
    parseRedisTarget(url);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `REDIS_URL ${(error as Error).message}` });
  }
});

/**
 * A `mysql://` URL that names a host and a database, `name` the setting or flag that gives it (the
 * service's DATABASE_URL, the import's --from); the message never repeats it (it holds a password).
 */
export const mysqlUrl = (name: string) =>
  z
    .string()
    .regex(/^mysql:\/\//, `${name} must start with mysql://`)
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `${name} is not a valid URL (a bad port, or an unescaped @ # / in the password?)`,
        });
        return;
      }
      if (!url.hostname) ctx.addIssue({ code: 'custom', message: `${name} names no host` });
      if (url.pathname.replace(/^\/+|\/+$/g, '') === '') {
        ctx.addIssue({
          code: 'custom',
          message: `${name} names no database (mysql://user:pass@host:3306/db)`,
        });
      }
      // mysql2 takes every query parameter as an option of each connection, and some would change
      // what queries do: `multipleStatements` runs `SELECT 1; SELECT 2`, `typeCast=false` makes
      // every value a Buffer, `debug` prints every packet with its passwords. Only the connection's
      // own options are taken, each once (mysql2 reads the last of two, this check the first).
      for (const key of new Set(url.searchParams.keys())) {
        if (!connectionParameters.has(key) && !setByTheService.has(key)) {
          ctx.addIssue({
            code: 'custom',
            message: `${name}'s ?${key} is not taken: for TLS give ?ssl={} (the server's certificate checked); besides ssl it takes ${[...connectionParameters].filter((p) => p !== 'ssl').join(' and ')}, and the service sets how queries behave`,
          });
        } else if (url.searchParams.getAll(key).length > 1) {
          ctx.addIssue({ code: 'custom', message: `${name} names ?${key} twice` });
        }
      }
      // mysql2 reads each query parameter as JSON, and `ssl` must be an object or the name of its
      // one profile: `?ssl=true` failed the start with a TypeError and its stack.
      const ssl = url.searchParams.get('ssl');
      if (ssl !== null && ssl !== mysql2SslProfile && !isJsonObject(ssl)) {
        ctx.addIssue({
          code: 'custom',
          message: `${name}'s ssl takes a JSON object, ?ssl={} (the server certificate verified) or ?ssl={"ca":"..."}, or mysql2's profile ${mysql2SslProfile}`,
        });
      }
    });

const databaseUrl = mysqlUrl('DATABASE_URL');

/** The query parameters of DATABASE_URL passed on to mysql2: how to reach the server, nothing else. */
const connectionParameters = new Set(['ssl', 'socketPath', 'compress']);
/**
 * Parameters common in MySQL URLs that the service sets itself, so mysql2 ignores the URL's value:
 * taken without effect, as before, rather than failing the start of a deployment that has them.
 */
const setByTheService = new Set(['charset', 'timezone', 'connectTimeout', 'connectionLimit']);

/** The one TLS profile mysql2 knows by name (the RDS certificate authorities). */
const mysql2SslProfile = 'Amazon RDS';

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** A time zone Intl knows: a typo would otherwise fail every legacy answer that shows a date. */
const timeZone = z
  .string()
  .min(1)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'TZ_DISPLAY is not a known time zone (e.g. Asia/Shanghai)');

/** The SMS gateway is reached with fetch, which speaks HTTP only. */
const webhookUrl = z.url({
  protocol: /^https?$/,
  error: 'SMS_WEBHOOK_URL must be an http:// or https:// URL',
});

/** proxy-addr's names for address ranges, besides addresses and CIDRs. */
const trustProxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUST_PROXY as parseTrustProxy reads it: `true`/`false`, a hop count, or addresses and CIDRs. */
const trustProxy = z.string().superRefine((value, ctx) => {
  if (value === '' || value === 'true' || value === 'false' || /^\d+$/.test(value)) return;
  for (const entry of value.split(',').map((part) => part.trim())) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const prefixOk =
      prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!(trustProxyNames.has(entry) || (family !== 0 && prefixOk && rest.length === 0))) {
      ctx.addIssue({
        code: 'custom',
        message: `TRUST_PROXY: ${JSON.stringify(entry)} is not true, false, a hop count, an address or a CIDR`,
      });
    }
  }
});

/** The HMAC key of tokens and codes: refused when trivially guessable (see secret-strength.ts). */
// Trimmed as the secret file is: a secret with a newline (a Kubernetes secret, `echo` into a file)
// keyed tokens differently from the same secret without, and instances silently refused each
// other's sessions.
const appSecret = z
  .string()
  .trim()
  .superRefine((secret, ctx) => {
    const weakness = secretWeakness(secret);
    if (weakness) ctx.addIssue({ code: 'custom', message: `the secret ${weakness}: ${secretAdvice}` });
  });

/**
 * `*`, or origins as browsers send them in `Origin` (`https://app.example.cn`, lowercase, no path),
 * comma-separated: CORS compares them as strings, so `https://app.example.cn/` or `app.example.cn`
 * would match no browser and every call of the apps would fail, with nothing said at start.
 */
const corsOrigin = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .join(','),
  )
  .superRefine((value, ctx) => {
    if (value === '') ctx.addIssue({ code: 'custom', message: 'CORS_ORIGIN names no origin' });
    for (const entry of value.split(',')) {
      if (entry !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/.test(entry)) {
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(entry)} is not * or an origin as browsers send it (scheme://host[:port], lowercase, no path or trailing slash)`,
        });
      }
    }
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: databaseUrl.optional(),
  REDIS_URL: redisUrl.optional(),
  REDIS_CLUSTER_NODES: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  UPLOAD_DIR: z.string().min(1).optional(),
  APP_SECRET: appSecret.optional(),
  SMS_PROVIDER: z.enum(['console', 'webhook']).optional(),
  SMS_WEBHOOK_URL: webhookUrl.optional(),
  CORS_ORIGIN: corsOrigin.default('*'),
  LIMIT_SMS_PER_IP_HOUR: positiveInt(30),
  LIMIT_LOGIN_FAIL_PER_IP_HOUR: positiveInt(50),
  LIMIT_ANON_UPLOAD_PER_IP_HOUR: positiveInt(30),
  LIMIT_UPLOAD_PER_USER_HOUR: positiveInt(100),
  // What one account or address stores in a day, whatever the hourly counts allow (100 an hour of
  // 50 MB was 5 GB an hour): far above a person's deliveries, far below a disk.
  LIMIT_UPLOAD_MB_PER_USER_DAY: positiveInt(1024),
  LIMIT_ANON_UPLOAD_MB_PER_IP_DAY: positiveInt(100),
  LIMIT_DEMANDS_PER_USER_HOUR: positiveInt(30),
  LIMIT_APPLICATIONS_PER_USER_HOUR: positiveInt(60),
  LIMIT_TITLE_SEARCHES_PER_IP: positiveInt(8),
  TRUST_PROXY: trustProxy.optional(),
  TZ_DISPLAY: timeZone.default('Asia/Shanghai'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DB_POOL_SIZE: positiveInt(10),
  STORAGE: z.enum(['disk', 's3']).default('disk'),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: flag,
  // Eight 5 MB part buffers at most; twice UPLOADS_PER_CLIENT, so one client holds half the slots.
  S3_UPLOAD_CONCURRENCY: positiveInt(8),
  S3_TIMEOUT_MS: timeoutMs(10_000),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().min(1).optional(),
  SHUTDOWN_DELAY_MS: wholeNumber(0, 120_000).default(0),
  DB_STATEMENT_TIMEOUT_MS: timeoutMs(500),
  DB_TIMEOUT_MS: timeoutMs(750),
  REDIS_TIMEOUT_MS: timeoutMs(500),
  UPLOAD_IDLE_TIMEOUT_MS: timeoutMs(30_000),
  UPLOAD_WAIT_LIMIT_MS: timeoutMs(600_000),
  // 1 MB, the largest such body, at 17 KB/s; most are a few kilobytes.
  BODY_WAIT_LIMIT_MS: timeoutMs(60_000),
  // As nginx's client_header_timeout: well past the 10 s Chromium keeps a preconnected socket unused,
  // so a browser never sends a request on a socket closed under it.
  SILENT_CONNECTION_MS: timeoutMs(60_000),
  // A person may pick a few files at once, and an office shares one address: four, not one.
  UPLOADS_PER_CLIENT: positiveInt(4),
  // Idle keep-alive connections count (72 s each): 200 let only ~33 browsers share an address, and
  // carrier NAT puts hundreds of phones behind one. A thousand still keeps one address from using
  // up the 20,000 descriptors of a default limit; 0 is off.
  MAX_CONNECTIONS_PER_CLIENT: wholeNumber(0, 1_000_000).default(1000),
});

/** Where uploaded bytes live: a folder, or a bucket of an S3-compatible object store. */
export type StorageConfig =
  | { readonly driver: 'disk'; readonly dir: string }
  | {
      readonly driver: 's3';
      /** Unset: AWS itself, by region. Set: any S3-compatible service (MinIO, Ceph, OSS, COS, ...). */
      readonly endpoint: string | undefined;
      readonly region: string;
      readonly bucket: string;
      /** Unset: the SDK's default credential chain (instance or pod role). */
      readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
      /** `host/bucket/key` instead of `bucket.host/key`: what most self-hosted stores expect. */
      readonly forcePathStyle: boolean;
      /** Uploads streaming to the store at once; each holds one 5 MB part in memory. */
      readonly concurrentUploads: number;
      /** Longest a request to the store waits for its answer to begin (a 5 MB part sent, a file found). */
      readonly timeoutMs: number;
    };

/** How `/metrics` is reached; undefined turns metrics off entirely (nothing recorded, nothing served). */
export interface MetricsConfig {
  /** Bearer token `/metrics` on the service's own port requires; undefined: not served there. */
  readonly token: string | undefined;
  /** A listen address of its own, serving `/metrics` without a token (bind it to a private network). */
  readonly listen: { readonly host: string; readonly port: number } | undefined;
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  readonly uploadDir: string;
  readonly storage: StorageConfig;
  readonly appSecret: string;
  /** The file the secret was read from or made in, when APP_SECRET is unset: this instance's own. */
  readonly appSecretFile: string | undefined;
  readonly sms: { readonly provider: 'console' | 'webhook'; readonly webhookUrl: string | undefined };
  readonly corsOrigin: string;
  readonly limits: {
    readonly smsPerIpHour: number;
    readonly loginFailPerIpHour: number;
    readonly anonUploadPerIpHour: number;
    /** A member's uploads per hour: without a cap one account could fill the storage, 50 MB at a time. */
    readonly uploadPerUserHour: number;
    /** Megabytes a member, and an address uploading without a login, may store in a day (from midnight in TZ_DISPLAY). */
    readonly uploadMbPerUserDay: number;
    readonly anonUploadMbPerIpDay: number;
    /**
     * Demands a member posts per hour, and applications they make: each waits on a person (an
     * operator's review, a demand owner's reading), so without a cap one account could bury them.
     */
    readonly demandsPerUserHour: number;
    readonly applicationsPerUserHour: number;
    /** Title searches of the public list in flight at once per client IP. */
    readonly titleSearchesPerIp: number;
    /** How long a multipart body may keep the service waiting for its bytes (http/body-watch.ts). */
    readonly uploadWait: { readonly idleMs: number; readonly totalMs: number };
    /** How long any other body may take to arrive, from its headers (http/body-deadline.ts). */
    readonly bodyWaitMs: number;
    /** How long a new connection may send nothing before it is closed (http/silent-connections.ts). */
    readonly silentConnectionMs: number;
    /** Connections open at once per client address, not a trusted proxy's (http/connections-per-client.ts); 0: no cap. */
    readonly connectionsPerClient: number;
    /**
     * Uploads in flight at once per client IP on one instance (http/upload-slots.ts). Below
     * S3_UPLOAD_CONCURRENCY, so that one client cannot hold every slot of the store.
     */
    readonly uploadsPerClient: number;
  };
  /** Whom to believe about X-Forwarded-For: every proxy, a hop count, or a list of addresses/CIDRs. */
  readonly trustProxy: boolean | number | readonly string[];
  readonly displayTimeZone: string;
  readonly logLevel: string;
  readonly dbPoolSize: number;
  readonly metrics: MetricsConfig | undefined;
  /**
   * How long, after SIGTERM, `/readyz` answers 503 while requests are still served, before the
   * service stops accepting: long enough for a load balancer's health check to take it out.
   */
  readonly shutdownDelayMs: number;
  /** Server-side limit of one statement of request traffic (not of migrations or the admin CLI). */
  readonly dbStatementTimeoutMs: number;
  /** Longest a request waits for a MySQL connection, or for an answer on one, before it answers 503. */
  readonly dbTimeoutMs: number;
  /** Longest a request waits for a Redis answer before it answers 503. */
  readonly redisTimeoutMs: number;
}

export class ConfigError extends Error {}

/** Formats zod's issues with an environment variable's name each. */
function invalid(issues: readonly z.core.$ZodIssue[]): ConfigError {
  const lines = issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  return new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/**
 * Where the database is, and only that, for the migration command: a deploy step that migrates
 * before the service starts was refused for settings it has nothing to do with (the SMS gateway
 * under NODE_ENV=production), and without APP_SECRET wrote a new secret into its folder.
 */
export function loadDatabaseConfig(env: Record<string, string | undefined> = process.env): {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
} {
  const parsed = envSchema.pick({ DATABASE_URL: true, DATA_DIR: true }).safeParse(env);
  if (!parsed.success) throw invalid(parsed.error.issues);
  return { databaseUrl: parsed.data.DATABASE_URL, dataDir: path.resolve(parsed.data.DATA_DIR) };
}

/** Parses the environment once at boot. Nothing else in the service reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const e = parsed.data;
  // A gateway's URL alone says where to send: left on the console default, codes went to the log
  // and never to a phone, with no word of it.
  const smsProvider = e.SMS_PROVIDER ?? (e.SMS_WEBHOOK_URL ? 'webhook' : 'console');
  if (smsProvider === 'webhook' && !e.SMS_WEBHOOK_URL) {
    throw new ConfigError('SMS_PROVIDER=webhook needs SMS_WEBHOOK_URL');
  }
  if (smsProvider === 'console' && e.NODE_ENV === 'production') {
    // The console provider prints codes; in production that would hand logins to whoever reads the logs.
    throw new ConfigError('SMS_PROVIDER=console is a development stand-in and refuses NODE_ENV=production');
  }
  if (e.DB_STATEMENT_TIMEOUT_MS >= e.DB_TIMEOUT_MS) {
    // The server must stop a slow statement before the client gives up on the connection: a
    // statement the server stopped leaves a usable connection, one the client gave up on is closed.
    throw new ConfigError('DB_STATEMENT_TIMEOUT_MS must be less than DB_TIMEOUT_MS');
  }
  if (e.UPLOAD_IDLE_TIMEOUT_MS >= e.UPLOAD_WAIT_LIMIT_MS) {
    throw new ConfigError('UPLOAD_IDLE_TIMEOUT_MS must be less than UPLOAD_WAIT_LIMIT_MS');
  }
  if (e.METRICS_HOST !== undefined && e.METRICS_PORT === undefined) {
    // The host is where the metrics' own listener binds; without a port there is none, and the
    // setting did nothing (metrics off, or on PORT behind METRICS_TOKEN) with no word of it.
    throw new ConfigError(
      'METRICS_HOST needs METRICS_PORT: it is the address of the metrics listener that port opens',
    );
  }
  if (e.REDIS_URL && e.REDIS_CLUSTER_NODES) {
    throw new ConfigError('Set REDIS_URL or REDIS_CLUSTER_NODES, not both');
  }
  let redisClusterUrl: string | undefined;
  if (e.REDIS_CLUSTER_NODES) {
    try {
      redisClusterUrl = clusterUrlOfNodes(e.REDIS_CLUSTER_NODES);
    } catch (error) {
      throw new ConfigError(`REDIS_CLUSTER_NODES: ${(error as Error).message}`);
    }
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const uploadDir = path.resolve(e.UPLOAD_DIR ?? path.join(dataDir, 'uploads'));
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL ?? redisClusterUrl,
    dataDir,
    uploadDir,
    storage: storageOf(e, uploadDir),
    appSecret: e.APP_SECRET ?? readOrCreateSecret(dataDir),
    appSecretFile: e.APP_SECRET ? undefined : secretFileOf(dataDir),
    sms: { provider: smsProvider, webhookUrl: e.SMS_WEBHOOK_URL },
    corsOrigin: e.CORS_ORIGIN,
    limits: {
      smsPerIpHour: e.LIMIT_SMS_PER_IP_HOUR,
      loginFailPerIpHour: e.LIMIT_LOGIN_FAIL_PER_IP_HOUR,
      anonUploadPerIpHour: e.LIMIT_ANON_UPLOAD_PER_IP_HOUR,
      uploadPerUserHour: e.LIMIT_UPLOAD_PER_USER_HOUR,
      uploadMbPerUserDay: e.LIMIT_UPLOAD_MB_PER_USER_DAY,
      anonUploadMbPerIpDay: e.LIMIT_ANON_UPLOAD_MB_PER_IP_DAY,
      demandsPerUserHour: e.LIMIT_DEMANDS_PER_USER_HOUR,
      applicationsPerUserHour: e.LIMIT_APPLICATIONS_PER_USER_HOUR,
      titleSearchesPerIp: e.LIMIT_TITLE_SEARCHES_PER_IP,
      uploadWait: { idleMs: e.UPLOAD_IDLE_TIMEOUT_MS, totalMs: e.UPLOAD_WAIT_LIMIT_MS },
      bodyWaitMs: e.BODY_WAIT_LIMIT_MS,
      silentConnectionMs: e.SILENT_CONNECTION_MS,
      connectionsPerClient: e.MAX_CONNECTIONS_PER_CLIENT,
      uploadsPerClient: e.UPLOADS_PER_CLIENT,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    displayTimeZone: e.TZ_DISPLAY,
    logLevel: e.LOG_LEVEL,
    dbPoolSize: e.DB_POOL_SIZE,
    metrics:
      e.METRICS_TOKEN || e.METRICS_PORT !== undefined
        ? {
            token: e.METRICS_TOKEN,
            listen:
              e.METRICS_PORT === undefined
                ? undefined
                : { host: e.METRICS_HOST ?? '127.0.0.1', port: e.METRICS_PORT },
          }
        : undefined,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    dbTimeoutMs: e.DB_TIMEOUT_MS,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
  };
  return deepFreeze(config);
}

function storageOf(e: z.infer<typeof envSchema>, uploadDir: string): StorageConfig {
  if (e.STORAGE === 'disk') return { driver: 'disk', dir: uploadDir };
  if (!e.S3_BUCKET) throw new ConfigError('STORAGE=s3 needs S3_BUCKET');
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together');
  }
  return {
    driver: 's3',
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    bucket: e.S3_BUCKET,
    credentials:
      e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
        : undefined,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    concurrentUploads: e.S3_UPLOAD_CONCURRENCY,
    timeoutMs: e.S3_TIMEOUT_MS,
  };
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((entry) => entry.trim());
}

/** A fresh machine has no secret; keep one in DATA_DIR so signed links (and, with Redis, tokens) survive restarts. */
const secretFileOf = (dataDir: string) => path.join(dataDir, 'app-secret');

function readOrCreateSecret(dataDir: string): string {
  try {
    return readOrCreateSecretFile(secretFileOf(dataDir), dataDir);
  } catch (error) {
    // A folder that cannot be made or written (EACCES, EROFS, a file in its place): one line naming
    // the setting, as the other start failures are, not a stack through the config reader.
    const code = (error as { code?: unknown }).code;
    if (error instanceof ConfigError || typeof code !== 'string') throw error;
    throw new ConfigError(`DATA_DIR (${dataDir}): ${(error as Error).message}`);
  }
}

function readOrCreateSecretFile(file: string, dataDir: string): string {
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    // An empty or cut-short file (a full disk, a crash while writing, an operator's edit) would
    // key every token and SMS code with next to nothing: refuse, as a weak APP_SECRET is refused.
    const weakness = secretWeakness(kept);
    if (weakness) {
      throw new ConfigError(
        `${file} holds a secret that ${weakness}: set APP_SECRET, or delete the file to generate a new one (sessions end)`,
      );
    }
    return kept;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
