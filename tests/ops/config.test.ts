import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/src/config.js';

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
      limits: { smsPerIpHour: 30, loginFailPerIpHour: 50, anonUploadPerIpHour: 30 },
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
      APP_SECRET: 's'.repeat(40),
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
    const secret = { APP_SECRET: 's'.repeat(40) };
    expect(() => loadConfig({ ...secret, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ...secret, DATABASE_URL: 'postgres://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ...secret, SMS_PROVIDER: 'webhook' })).toThrow(/SMS_WEBHOOK_URL/);
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
  });

  it('refuses the console SMS provider in production', () => {
    const secret = { APP_SECRET: 's'.repeat(40) };
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
});
