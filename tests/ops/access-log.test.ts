import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedded } from '../support/backends.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('access log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(embedded);
  });
  afterAll(() => t.close());

  it('writes one line per request with its id, method, path, status and time, never its query or body', async () => {
    const answer = await t.app.inject({
      method: 'POST',
      url: '/user/info/info?token_check=secret-in-query',
      headers: { 'x-request-id': 'access-log-1' },
      payload: { token_check: 'secret-in-body', user_id_check: '1' },
    });
    expect(answer.statusCode).toBe(200);
    const lines = t.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.reqId === 'access-log-1' && line.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: 'POST', path: '/user/info/info', statusCode: 200 });
    expect(lines[0]?.ms).toEqual(expect.any(Number));
    expect(t.logLines.some((line) => line.includes('secret-in'))).toBe(false);
  });
});
