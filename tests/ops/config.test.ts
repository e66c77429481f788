import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/src/config.js';

/** A secret the checks accept, as a generated one would be. */
const goodSecret = 'Zq3v9Lw0pXe7Rk2mTn5bYc8uHs1dGf4j';

/** What loadConfig refuses with, or '' when it accepts. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('configuration from the environment', () => {
  it('has working defaults and generates a persistent secret into DATA_DIR', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      redisUrl: undefined,
      uploadDir: path.join(dataDir, 'uploads'),
      corsOrigin: '*',
      limits: { smsPerIpHour: 30, loginFailPerIpHour: 50, anonUploadPerIpHour: 30, uploadsPerClient: 4 },
      trustProxy: false,
      displayTimeZone: 'Asia/Shanghai',
      dbStatementTimeoutMs: 500,
      dbTimeoutMs: 750,
      redisTimeoutMs: 500,
    });
    expect(config.appSecret).toBe(readFileSync(path.join(dataDir, 'app-secret'), 'utf8'));
    expect(loadConfig({ DATA_DIR: dataDir }).appSecret).toBe(config.appSecret);
    expect(Object.isFrozen(config) && Object.isFrozen(config.limits)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'mysql://u:p@db:3306/app',
      REDIS_URL: 'redis://cache:6379/1',
      APP_SECRET: goodSecret,
      SMS_PROVIDER: 'webhook',
      SMS_WEBHOOK_URL: 'http://sms.internal/send',
      LIMIT_SMS_PER_IP_HOUR: '5',
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      TZ_DISPLAY: 'UTC',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'mysql://u:p@db:3306/app',
      redisUrl: 'redis://cache:6379/1',
      sms: { provider: 'webhook', webhookUrl: 'http://sms.internal/send' },
      limits: { smsPerIpHour: 5 },
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
      displayTimeZone: 'UTC',
    });
  });

  it('refuses what cannot work, naming the variable', () => {
    const secret = { APP_SECRET: goodSecret };
    expect(() => loadConfig({ ...secret, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ...secret, DATABASE_URL: 'postgres://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ...secret, SMS_PROVIDER: 'webhook' })).toThrow(/SMS_WEBHOOK_URL/);
    // Whitespace around the secret is not part of it, as in the secret file.
    expect(loadConfig({ APP_SECRET: ` ${goodSecret}\n` }).appSecret).toBe(goodSecret);
    // A gateway's URL alone sends by it; the console only when asked for, or when nothing is set.
    const gateway = { ...secret, SMS_WEBHOOK_URL: 'https://sms.internal/send' };
    expect(loadConfig(gateway).sms.provider).toBe('webhook');
    expect(loadConfig({ ...gateway, SMS_PROVIDER: 'console' }).sms.provider).toBe('console');
    expect(loadConfig(secret).sms.provider).toBe('console');
    expect(() => loadConfig({ ...secret, APP_SECRET: 'short' })).toThrow(/APP_SECRET/);
    expect(() => loadConfig({ ...secret, LIMIT_SMS_PER_IP_HOUR: '-1' })).toThrow(ConfigError);
    // The server must stop a statement before the client gives up on its connection.
    expect(() => loadConfig({ ...secret, DB_STATEMENT_TIMEOUT_MS: '750' })).toThrow(
      /DB_STATEMENT_TIMEOUT_MS/,
    );
    expect(loadConfig({ ...secret, DB_STATEMENT_TIMEOUT_MS: '2000', DB_TIMEOUT_MS: '3000' })).toMatchObject({
      dbStatementTimeoutMs: 2000,
      dbTimeoutMs: 3000,
    });
    // A stalled upload is one part of the most an upload may wait in all.
    expect(() => loadConfig({ ...secret, UPLOAD_IDLE_TIMEOUT_MS: '600000' })).toThrow(
      /UPLOAD_IDLE_TIMEOUT_MS/,
    );
    expect(
      loadConfig({ ...secret, UPLOAD_IDLE_TIMEOUT_MS: '5000', UPLOAD_WAIT_LIMIT_MS: '60000' }),
    ).toMatchObject({
      limits: { uploadWait: { idleMs: 5000, totalMs: 60000 } },
    });
    // A cap of no uploads at all would refuse every upload.
    for (const value of ['0', '', '2.5', '-1']) {
      expect(() => loadConfig({ ...secret, UPLOADS_PER_CLIENT: value })).toThrow(/UPLOADS_PER_CLIENT/);
    }
    expect(loadConfig({ ...secret, UPLOADS_PER_CLIENT: '3' }).limits.uploadsPerClient).toBe(3);
  });

  it('refuses the console SMS provider in production', () => {
    const secret = { APP_SECRET: goodSecret };
    expect(() => loadConfig({ ...secret, NODE_ENV: 'production' })).toThrow(/console/);
    expect(
      loadConfig({
        ...secret,
        NODE_ENV: 'production',
        SMS_PROVIDER: 'webhook',
        SMS_WEBHOOK_URL: 'http://sms/x',
      }).env,
    ).toBe('production');
  });

  it('refuses an empty, blank or non-decimal number instead of reading it as 0 (PORT= listened on a random port)', () => {
    const secret = { APP_SECRET: goodSecret };
    expect(() => loadConfig({ ...secret, PORT: '' })).toThrow(/PORT: must be a whole number/);
    expect(() => loadConfig({ ...secret, PORT: ' ' })).toThrow(/PORT/);
    expect(() => loadConfig({ ...secret, METRICS_PORT: '' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ ...secret, SHUTDOWN_DELAY_MS: '' })).toThrow(/SHUTDOWN_DELAY_MS/);
    expect(() => loadConfig({ ...secret, LIMIT_SMS_PER_IP_HOUR: '0x10' })).toThrow(/LIMIT_SMS_PER_IP_HOUR/);
    expect(() => loadConfig({ ...secret, DB_POOL_SIZE: '1e3' })).toThrow(/DB_POOL_SIZE/);
    // Past Node's largest timer a timeout fires at once: every query and command would fail.
    expect(() =>
      loadConfig({ ...secret, DB_STATEMENT_TIMEOUT_MS: '3000000000', DB_TIMEOUT_MS: '4000000000' }),
    ).toThrow(/DB_TIMEOUT_MS/);
    expect(() => loadConfig({ ...secret, REDIS_TIMEOUT_MS: '4000000000' })).toThrow(/REDIS_TIMEOUT_MS/);
    expect(loadConfig({ ...secret, PORT: '0', METRICS_PORT: ' 9100 ' })).toMatchObject({
      port: 0,
      metrics: { listen: { host: '127.0.0.1', port: 9100 } },
    });
  });

  it('refuses METRICS_HOST without METRICS_PORT, which opens the listener it names', () => {
    const secret = { APP_SECRET: goodSecret };
    // Before: taken, and ignored (metrics off, or on PORT behind the token).
    expect(() => loadConfig({ ...secret, METRICS_HOST: '10.0.0.11' })).toThrow(
      /^METRICS_HOST needs METRICS_PORT/,
    );
    expect(() => loadConfig({ ...secret, METRICS_HOST: '10.0.0.11', METRICS_TOKEN: 'x'.repeat(16) })).toThrow(
      /METRICS_HOST needs METRICS_PORT/,
    );
    expect(loadConfig({ ...secret, METRICS_HOST: '10.0.0.11', METRICS_PORT: '9100' }).metrics).toMatchObject({
      listen: { host: '10.0.0.11', port: 9100 },
    });
  });

  it('refuses values that would start a service that fails later, naming the variable and never the secret', () => {
    const secret = { APP_SECRET: goodSecret };
    for (const url of [
      'mysql://u:p4ssw0rd@db:33o6/app',
      'mysql://u:p4ssw0rd@db:3306',
      'mysql://u:p4ssw0rd@db:3306/',
    ]) {
      expect(() => loadConfig({ ...secret, DATABASE_URL: url })).toThrow(/DATABASE_URL/);
      const message = (() => {
        try {
          loadConfig({ ...secret, DATABASE_URL: url });
          return '';
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(message).not.toContain('p4ssw0rd');
    }
    // mysql2 takes `ssl` as JSON and wants an object: `true` failed the start with a TypeError's stack.
    for (const ssl of ['true', '1', 'Amazon', '[]']) {
      expect(() => loadConfig({ ...secret, DATABASE_URL: `mysql://u:p@db:3306/app?ssl=${ssl}` })).toThrow(
        /^Invalid configuration:\nDATABASE_URL: DATABASE_URL's ssl takes a JSON object/,
      );
    }
    // mysql2's one profile by name (the RDS certificate authorities) is taken, as mysql2 takes it.
    expect(
      loadConfig({ ...secret, DATABASE_URL: 'mysql://u:p@db:3306/app?ssl=Amazon%20RDS' }).databaseUrl,
    ).toContain('Amazon');
    const tls = 'mysql://u:p@db:3306/app?ssl=%7B%22rejectUnauthorized%22%3Atrue%7D';
    expect(loadConfig({ ...secret, DATABASE_URL: tls }).databaseUrl).toBe(tls);
    // Options that change what queries do are not the URL's to set: a second statement ran, every
    // value came back a Buffer, every packet was printed. Nor is a parameter given twice.
    for (const option of [
      'multipleStatements=true',
      'flags=MULTI_STATEMENTS',
      'typeCast=false',
      'debug=true',
    ]) {
      expect(() => loadConfig({ ...secret, DATABASE_URL: `mysql://u:p@db:3306/app?${option}` })).toThrow(
        new RegExp(`DATABASE_URL's \\?${option.split('=')[0]} is not taken`),
      );
    }
    expect(() =>
      loadConfig({ ...secret, DATABASE_URL: 'mysql://u:p@db:3306/app?ssl={"ca":"x"}&ssl=Amazon%20RDS' }),
    ).toThrow(/DATABASE_URL names \?ssl twice/);
    // Another driver's TLS setting connected without TLS, unsaid: the refusal says how to ask for
    // it.
    expect(() => loadConfig({ ...secret, DATABASE_URL: 'mysql://u:p@db:3306/app?sslmode=require' })).toThrow(
      /DATABASE_URL's \?sslmode is not taken: for TLS give \?ssl=\{\}/,
    );
    const socket = 'mysql://u:p@localhost/app?socketPath=/run/mysqld/mysqld.sock&compress=true';
    expect(loadConfig({ ...secret, DATABASE_URL: socket }).databaseUrl).toBe(socket);
    // Common in MySQL URLs, and set by the service whatever they say: taken, as before.
    const common = 'mysql://u:p@db:3306/app?charset=utf8mb4&timezone=%2B08:00&connectTimeout=10000';
    expect(loadConfig({ ...secret, DATABASE_URL: common }).databaseUrl).toBe(common);
    // A typo of the zone failed every legacy answer showing a date, not the start.
    expect(() => loadConfig({ ...secret, TZ_DISPLAY: 'Asia/Shanghia' })).toThrow(/TZ_DISPLAY/);
    const webhook = { ...secret, SMS_PROVIDER: 'webhook' };
    expect(() => loadConfig({ ...webhook, SMS_WEBHOOK_URL: 'localhost:8080/send' })).toThrow(
      /SMS_WEBHOOK_URL/,
    );
    expect(() => loadConfig({ ...webhook, SMS_WEBHOOK_URL: 'ftp://gateway/send' })).toThrow(
      /SMS_WEBHOOK_URL/,
    );
    expect(() => loadConfig({ ...secret, TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ ...secret, TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ ...secret, TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(loadConfig({ ...secret, TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('refuses a generated secret file that is empty or cut short, instead of keying tokens with it', () => {
    for (const kept of ['', '   \n', 'short']) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
      writeFileSync(path.join(dataDir, 'app-secret'), kept);
      expect(() => loadConfig({ DATA_DIR: dataDir })).toThrow(ConfigError);
      expect(() => loadConfig({ DATA_DIR: dataDir })).toThrow(/app-secret.*APP_SECRET/);
      // APP_SECRET, when set, is what counts.
      expect(loadConfig({ DATA_DIR: dataDir, APP_SECRET: goodSecret }).appSecret).toBe(goodSecret);
    }
  });

  it('refuses an APP_SECRET that is blank, padded with whitespace or trivially repetitive, never repeating it', () => {
    for (const weak of [
      ' '.repeat(40),
      `${' '.repeat(30)}abc`,
      `a${' '.repeat(31)}b${' '.repeat(8)}`,
      '\t\n'.repeat(20),
      'x'.repeat(40),
      'ab'.repeat(20),
      'password'.repeat(4),
      `${'a'.repeat(30)}bcdef`,
    ]) {
      const message = refusal({ APP_SECRET: weak });
      expect(message, JSON.stringify(weak)).toMatch(/APP_SECRET/);
      if (weak.trim().length >= 8) expect(message).not.toContain(weak.trim());
    }
    // The file kept in DATA_DIR is held to the same rules.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    writeFileSync(path.join(dataDir, 'app-secret'), 'x'.repeat(43));
    expect(refusal({ DATA_DIR: dataDir })).toMatch(/app-secret/);
    // Random values of any common alphabet pass, even digits only; so do phrases with spaces.
    for (const good of [
      goodSecret,
      '40183928571093847561029384756102',
      'e3b0c44298fc1c149afbf4c8996fb924',
      'correct horse battery staple and then some more words',
    ]) {
      expect(loadConfig({ APP_SECRET: good }).appSecret).toBe(good);
    }
  });

  it('refuses a REDIS_URL with no host, a bad port or a database that is no number, never repeating its password', () => {
    for (const url of [
      'redis://',
      'redis://:s3cretpw@/0',
      'redis://:s3cretpw@cache:163790/0',
      'redis://:s3cretpw@cache:port/0',
      'redis://:s3cretpw@cache:0/0',
      'redis://:s3cretpw@cache:6379/one',
      'redis://:s3cretpw@cache:6379/0/extra',
      'rediss://:s3cretpw@cache:6379/-1',
    ]) {
      const message = refusal({ APP_SECRET: goodSecret, REDIS_URL: url });
      expect(message, url).toMatch(/REDIS_URL/);
      expect(message).not.toContain('s3cretpw');
    }
    for (const url of [
      'redis://cache',
      'redis://cache:6379',
      'redis://:p@cache:6379/',
      'rediss://u:p@[::1]:6380/15',
    ]) {
      expect(loadConfig({ APP_SECRET: goodSecret, REDIS_URL: url }).redisUrl).toBe(url);
    }
  });

  it('refuses a CORS_ORIGIN entry that no browser Origin can match (a path, a trailing slash, no scheme)', () => {
    for (const origins of [
      'https://app.example.cn/',
      'app.example.cn',
      'https://app.example.cn/login',
      'https://App.example.cn',
      ' , ',
    ]) {
      expect(refusal({ APP_SECRET: goodSecret, CORS_ORIGIN: origins }), origins).toMatch(/CORS_ORIGIN/);
    }
    expect(
      loadConfig({ APP_SECRET: goodSecret, CORS_ORIGIN: ' https://app.example.cn, http://localhost:5173 ,' })
        .corsOrigin,
    ).toBe('https://app.example.cn,http://localhost:5173');
    expect(loadConfig({ APP_SECRET: goodSecret, CORS_ORIGIN: 'capacitor://localhost' }).corsOrigin).toBe(
      'capacitor://localhost',
    );
  });
});
