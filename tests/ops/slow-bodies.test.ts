import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { samplePng } from '../support/sample-files.js';
import { SlowSender } from '../support/slow-sender.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';
import { multipartBody } from '../support/upload-client.js';

/*
 * Bodies trickled a byte at a time, never finishing. Node's request timeout is off (uploads may
 * wait for the store), so before BODY_WAIT_LIMIT_MS nothing ended them: each such connection held
 * what it had sent of up to 1 MB for as long as its sender liked, and a multipart form's text the
 * 10 minutes an upload may take. Here the limit is short; the waits below are long enough for a
 * slow machine, and far shorter than anything that bounded these bodies before.
 */
const bodyWaitMs = 1500;
const answerWithinMs = 15_000;
const timedOut = { res: 0, err: '请求超时，请检查网络后重试', data: '' };
const uploadTimedOut = { res: 0, err: '上传超时，请检查网络后重试', data: '' };
const boundary = 'slowBodyBoundary';

describe.each(backends)('bodies that never finish arriving ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(backend, { BODY_WAIT_LIMIT_MS: String(bodyWaitMs) });
    url = await listen(t);
  });
  afterAll(() => t.close());

  /**
   * Sends the head of a request whose body is `length` bytes and `start` of it, then a byte every
   * 100 ms, never all of it; answers the answer and whether the server then ended the connection.
   */
  async function trickled(
    path: string,
    headers: Record<string, string>,
    start: string,
    { length = 100_000, method = 'POST' } = {},
  ) {
    const sender = await SlowSender.open(url);
    try {
      sender.postHead(path, headers, length, method);
      await sender.send(Buffer.from(start));
      // Runs until the server closes the socket (or the test destroys it).
      void sender.trickle(Buffer.alloc(length, ' '), length, 100).catch(() => undefined);
      const answer = await sender.answer(answerWithinMs);
      return { ...answer, closed: await sender.closedByServer(answerWithinMs) };
    } finally {
      sender.destroy();
    }
  }

  it('refuses a JSON or form body not arrived within the limit (408) and closes its connection', async () => {
    const json = { 'content-type': 'application/json' };
    const legacy = await trickled('/index/goods/index', json, '{"page":');
    expect(legacy).toMatchObject({ status: 408, body: timedOut, closed: true });
    expect(legacy.headers.connection).toBe('close');

    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(await trickled('/user/info/info', form, 'user_id_check=1&token_check=')).toMatchObject({
      status: 408,
      body: timedOut,
      closed: true,
    });
    // A procedure's body on /trpc: refused before tRPC sees it, as a body too large is, in its shape.
    expect(await trickled('/trpc/demands.list', json, '{"json":')).toMatchObject({
      status: 408,
      body: { error: { json: { data: { appCode: 'BODY_TIMEOUT', httpStatus: 408 } } } },
      closed: true,
    });
    // The typed upload route answers in its own shape.
    const { token } = await loginBySms(t);
    const typed = await trickled('/api/uploads', { ...json, authorization: `Bearer ${token}` }, '{');
    expect(typed).toMatchObject({
      status: 408,
      body: { error: { data: { appCode: 'BODY_TIMEOUT', httpStatus: 408 } } },
      closed: true,
    });
  });

  it('takes a body that comes slowly but within the limit', async () => {
    const body = Buffer.from(JSON.stringify({ page: 1, titletype: 1 }));
    const sender = await SlowSender.open(url);
    try {
      sender.postHead('/index/goods/index', { 'content-type': 'application/json' }, body.length);
      await sender.trickle(body, 3, 100);
      expect(await sender.answer(answerWithinMs)).toMatchObject({ status: 200, body: { res: 1 } });
    } finally {
      sender.destroy();
    }
  });

  it('closes the connection of a GET whose body trickles on after its answer', async () => {
    // The route answers without the body; Node then reads the rest only to throw it away, and
    // before, kept the connection for as long as the rest kept coming.
    const get = await trickled('/healthz', { 'content-type': 'text/plain' }, 'x', { method: 'GET' });
    expect(get).toMatchObject({ status: 200, body: { status: 'ok' }, closed: true });
  });

  it("holds a multipart form's text to the same limit, on a route that stores no file and before an upload's file", async () => {
    const multipart = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    const field = `--${boundary}\r\nContent-Disposition: form-data; name="page"\r\n\r\n1`;
    expect(await trickled('/index/goods/index', multipart, field)).toMatchObject({
      body: uploadTimedOut,
      closed: true,
    });
    expect(await trickled('/index/api/file_upload', multipart, field)).toMatchObject({
      body: uploadTimedOut,
      closed: true,
    });
  });

  it("gives an upload's file the upload's own limits, longer than the text's", async () => {
    const { payload, contentType } = await multipartBody({ content: samplePng(), filename: 'slow.png' });
    const fileStart = payload.indexOf('\r\n\r\n', payload.indexOf('filename=')) + 4;
    const sender = await SlowSender.open(url);
    try {
      sender.postHead('/index/api/file_upload', { 'content-type': contentType }, payload.length);
      await sender.send(payload.subarray(0, fileStart));
      // The file takes longer than the text may, without a gap the upload's idle limit would end.
      const pieces = 12;
      await sender.trickle(payload.subarray(fileStart), pieces, (2 * bodyWaitMs) / pieces);
      expect(await sender.answer(answerWithinMs)).toMatchObject({ status: 200, body: { res: 1 } });
    } finally {
      sender.destroy();
    }
  });
});
