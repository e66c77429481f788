import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^mysql:\/\//, 'DATABASE_URL must start with mysql://')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  UPLOAD_DIR: z.string().min(1).optional(),
  APP_SECRET: z.string().min(32, 'APP_SECRET must be at least 32 characters').optional(),
  SMS_PROVIDER: z.enum(['console', 'webhook']).default('console'),
  SMS_WEBHOOK_URL: z.url().optional(),
  CORS_ORIGIN: z.string().min(1).default('*'),
  LIMIT_SMS_PER_IP_HOUR: positiveInt(30),
  LIMIT_LOGIN_FAIL_PER_IP_HOUR: positiveInt(50),
  LIMIT_ANON_UPLOAD_PER_IP_HOUR: positiveInt(30),
  LIMIT_TITLE_SEARCHES_PER_IP: positiveInt(8),
  TRUST_PROXY: z.string().optional(),
  TZ_DISPLAY: z.string().min(1).default('Asia/Shanghai'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DB_POOL_SIZE: positiveInt(10),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  readonly uploadDir: string;
  readonly appSecret: string;
  readonly sms: { readonly provider: 'console' | 'webhook'; readonly webhookUrl: string | undefined };
  readonly corsOrigin: string;
  readonly limits: {
    readonly smsPerIpHour: number;
    readonly loginFailPerIpHour: number;
    readonly anonUploadPerIpHour: number;
    /** Title searches of the public list in flight at once per client IP. */
    readonly titleSearchesPerIp: number;
  };
  /** Whom to believe about X-Forwarded-For: every proxy, a hop count, or a list of addresses/CIDRs. */
  readonly trustProxy: boolean | number | readonly string[];
  readonly displayTimeZone: string;
  readonly logLevel: string;
  readonly dbPoolSize: number;
}

export class ConfigError extends Error {}

/** Parses the environment once at boot. Nothing else in the service reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.SMS_PROVIDER === 'webhook' && !e.SMS_WEBHOOK_URL) {
    throw new ConfigError('SMS_PROVIDER=webhook needs SMS_WEBHOOK_URL');
  }
  if (e.SMS_PROVIDER === 'console' && e.NODE_ENV === 'production') {
    // The console provider prints codes; in production that would hand logins to whoever reads the logs.
    throw new ConfigError('SMS_PROVIDER=console is a development stand-in and refuses NODE_ENV=production');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir,
    uploadDir: path.resolve(e.UPLOAD_DIR ?? path.join(dataDir, 'uploads')),
    appSecret: e.APP_SECRET ?? readOrCreateSecret(dataDir),
    sms: { provider: e.SMS_PROVIDER, webhookUrl: e.SMS_WEBHOOK_URL },
    corsOrigin: e.CORS_ORIGIN,
    limits: {
      smsPerIpHour: e.LIMIT_SMS_PER_IP_HOUR,
      loginFailPerIpHour: e.LIMIT_LOGIN_FAIL_PER_IP_HOUR,
      anonUploadPerIpHour: e.LIMIT_ANON_UPLOAD_PER_IP_HOUR,
      titleSearchesPerIp: e.LIMIT_TITLE_SEARCHES_PER_IP,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    displayTimeZone: e.TZ_DISPLAY,
    logLevel: e.LOG_LEVEL,
    dbPoolSize: e.DB_POOL_SIZE,
  };
  return deepFreeze(config);
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((entry) => entry.trim());
}

/** A fresh machine has no secret; keep one in DATA_DIR so tokens survive restarts. */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'app-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
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
