import { describe, expect, it } from 'vitest';
import { embedded } from '../support/backends.js';
import { startTestApp } from '../support/test-app.js';

const forwarded = { 'x-forwarded-for': '203.0.113.7' };
const warningsIn = (lines: readonly string[]) =>
  lines.filter((line) => line.includes('TRUST_PROXY is unset'));

describe('a forwarded request while TRUST_PROXY is unset', () => {
  it('is warned of once per instance, as a warning', async () => {
    const t = await startTestApp(embedded);
    try {
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect(warningsIn(t.logLines)).toEqual([]);
      for (let i = 0; i < 3; i++) await t.app.inject({ method: 'GET', url: '/healthz', headers: forwarded });
      const warnings = warningsIn(t.logLines);
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ level: 40, ip: '127.0.0.1' });
    } finally {
      await t.close();
    }
  });

  it('is not warned of once TRUST_PROXY names the balancer', async () => {
    const t = await startTestApp(embedded, { TRUST_PROXY: '127.0.0.1' });
    try {
      await t.app.inject({ method: 'GET', url: '/healthz', headers: forwarded });
      expect(t.logLines.length).toBeGreaterThan(0);
      expect(warningsIn(t.logLines)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
