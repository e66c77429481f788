import { type AddressInfo, connect } from 'node:net';
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

  it('cuts a long path short in the access line, so a made-up URL cannot make the log grow with it', async () => {
    // A path may be as long as Node's 16 KB of headers; 404s cost next to nothing to ask for.
    // Before, the line carried the whole path: 15 KB of log for each such request.
    const longPath = `/index/${'a'.repeat(15_000)}`;
    for (const url of [longPath, `/trpc/${'b'.repeat(15_000)}`, `/uploads/${'c'.repeat(15_000)}`]) {
      const answer = await t.app.inject({
        method: 'GET',
        url,
        headers: { 'x-request-id': 'access-log-long' },
      });
      // 404, or 400 for a path parameter past its length limit (`/uploads/*`).
      expect([400, 404]).toContain(answer.statusCode);
    }
    const lines = t.logLines.filter((line) => line.includes('"reqId":"access-log-long"'));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.length).toBeLessThan(1000);
      expect((JSON.parse(line) as { path: string }).path).toMatch(
        /^\/(index|trpc|uploads)\/(a+|b+|c+)\.\.\.$/,
      );
    }
  });

  it('logs a failed query by its code and message, without the statement and the values in it', () => {
    const { lines, log } = loggerIntoLines();
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

  it('logs a URL quoted in an error message without its query string', () => {
    const { lines, log } = loggerIntoLines();
    // What Fastify warns with when a reply is sent twice: the URL as the client sent it, in an
    // error (whose message pino also makes the line's) or in a plain message.
    log.warn({
      err: new Error(
        `Reply was already sent, did you forget to "return reply" in the '/user/info/info?token_check=tok-in-error&user_id_check=1' (GET) route?`,
      ),
    });
    // An error logged alone (Fastify does so with a hook's failure) lends the line its message too.
    log.error(new Error("'/index/api/getpwd?newpwd=tok-in-bare-error' is not a valid url component"));
    log.warn(
      'Reply was already sent, did you forget to "return reply" in the "/index/api/loginout?token=tok-in-text" (GET) route?',
    );
    const text = lines.join('');
    expect(text).toContain('/user/info/info?[query]');
    expect(text).toContain('/index/api/loginout?[query]');
    expect(text).toContain('/index/api/getpwd?[query]');
    expect(text).not.toMatch(/tok-in-/);
  });
});

/** A secret as it may show in a line: as text, or as the bytes of a Buffer pino wrote as numbers. */
function leaks(lines: readonly string[], secret: string): string[] {
  const bytes = [...Buffer.from(secret)].join(',');
  return lines.filter((line) => line.includes(secret) || line.includes(bytes));
}

/** Sends raw bytes on a fresh connection; resolves once the server has hung up (or after a second). */
function sendRaw(port: number, bytes: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', () => {});
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
    setTimeout(() => socket.destroy(), 1000).unref();
  });
}

describe('secrets in query strings, at the most verbose log level', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(embedded, { LOG_LEVEL: 'trace' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('never reach a line, whatever the answer: 404, a bare OPTIONS, an undecodable path, a request Node cannot parse', async () => {
    const query = 'token=q-token-1&token_check=q-token-2&password=q-password-3&smscode=q-code-4';
    const secrets = ['q-token-1', 'q-token-2', 'q-password-3', 'q-code-4'];
    for (const [method, url] of [
      ['GET', `/index/nothing/here?${query}`],
      ['POST', `/user/goods/nothing?${query}`],
      ['HEAD', `/nowhere?${query}`],
      ['PUT', `/index/api/loginpassword?${query}`],
      ['OPTIONS', `/index/api/loginout?${query}`],
      ['GET', `/index/api/loginout?${query}`],
      ['GET', `/user/info/info?${query}`],
      ['GET', `/trpc/auth.nothing?${query}`],
      ['GET', `/uploads/nothing.png?${query}`],
      ['GET', `/index/api/sms%?${query}`],
    ] as const) {
      const answer = await t.app.inject({ method, url });
      expect(answer.statusCode, `${method} ${url}`).toBeGreaterThanOrEqual(200);
    }
    // The multipart parser logs, at trace, the options it gives busboy: the request's headers among them.
    const boundary = 'x-boundary';
    for (const url of ['/api/uploads', `/user/api/file_upload?${query}`]) {
      await t.app.inject({
        method: 'POST',
        url,
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          authorization: 'Bearer q-bearer-6',
          cookie: 'session=q-cookie-7',
        },
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhi\r\n--${boundary}--\r\n`,
      });
    }
    expect(t.logLines.some((line) => line.includes('busboyOptions'))).toBe(true);
    const port = (t.app.server.address() as AddressInfo).port;
    // Node refuses these before Fastify routes them; its error carries the request's bytes.
    await sendRaw(port, `GET /index/api/loginout?${query} HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n`);
    await sendRaw(
      port,
      `GET /user/info/info?${query} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer q-bearer-5\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The lines were written: the check below looks at something.
    expect(t.logLines.filter((line) => line.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(10);
    expect(t.logLines.some((line) => line.includes('client error'))).toBe(true);
    for (const secret of [...secrets, 'q-bearer-5', 'q-bearer-6', 'q-cookie-7'])
      expect(leaks(t.logLines, secret), secret).toEqual([]);
  });
});

/** A logger as the service makes it, writing its lines into an array the test reads. */
function loggerIntoLines() {
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
  return { lines, log };
}
