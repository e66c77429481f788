import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/logger.js';
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

  it('logs a failed query by its code and message, without the statement and the values in it', () => {
    const lines: string[] = [];
    const log = createLogger(
      { logLevel: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    // What mysql2 throws: the statement with its values filled in rides along as `sql`.
    const failed = Object.assign(new Error("Data too long for column 'id_number' at row 1"), {
      code: 'ER_DATA_TOO_LONG',
      sql: "insert into person_verifications (id_number) values ('11010519491231002X-and-more')",
    });
    log.error({ err: failed }, 'request failed');
    const [line] = lines.map((text) => JSON.parse(text) as { err: Record<string, unknown> });
    expect(line?.err).toMatchObject({
      code: 'ER_DATA_TOO_LONG',
      message: expect.stringContaining('too long'),
    });
    expect(lines.join('')).not.toContain('11010519491231002X');
  });
});
