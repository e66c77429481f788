import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { samplePng } from '../support/sample-files.js';
import { randomIp, startTestApp, type TestApp } from '../support/test-app.js';

const boundary = 'sizeBoundary';

/** A multipart body of text parts, each with the content type given, then a PNG file part. */
function formWithTypedParts(parts: ReadonlyArray<{ name: string; type?: string; value: string }>) {
  const text = parts.map(
    ({ name, type, value }) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n` +
      `${type ? `Content-Type: ${type}\r\n` : ''}\r\n${value}\r\n`,
  );
  return Buffer.concat([
    Buffer.from(text.join('')),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n` +
        'Content-Type: image/png\r\n\r\n',
    ),
    samplePng(),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}
const multipartType = `multipart/form-data; boundary=${boundary}`;
/** Twelve fields of 100 KB each: 1.2 MB together, each under its own cap (128 KB). */
const twelveLargeFields = (type?: string) =>
  Array.from({ length: 12 }, (_, i) => ({
    name: `f${i}`,
    ...(type ? { type } : {}),
    value:
      type === 'application/json' ? JSON.stringify({ v: 'x'.repeat(100 * 1024) }) : 'x'.repeat(100 * 1024),
  }));

describe('multipart field limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(embedded);
  });
  afterAll(() => t.close());

  it('answers a field over the size cap with 413 and the envelope, not a truncated value', async () => {
    const answer = await legacyPost(t.app, '/index/api/sms', { phone: '1'.repeat(200 * 1024) }, 'multipart', {
      ip: randomIp(),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ res: 0, err: '请求内容过大', data: '' });
  });

  it('answers fields over 1 MB together with 413, as the same fields sent as JSON', async () => {
    // Each field under its own cap (128 KB), 1.2 MB together: held in memory whole before.
    const fields = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`f${i}`, 'x'.repeat(100 * 1024)]),
    );
    const answer = await legacyPost(t.app, '/index/api/sms', { ...fields, phone: '12' }, 'multipart', {
      ip: randomIp(),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ res: 0, err: '请求内容过大', data: '' });
  });

  it('counts a field sent as JSON by its bytes too, which the parser hands over as an object', async () => {
    const answer = await t.app.inject({
      method: 'POST',
      url: '/index/api/file_upload',
      payload: formWithTypedParts(twelveLargeFields('application/json')),
      headers: { 'content-type': multipartType },
      remoteAddress: randomIp(),
    });
    expect(answer.statusCode).toBe(413);
    expect(answer.json()).toEqual({ res: 0, err: '请求内容过大', data: '' });
  });

  it('counts the values of a field sent as JSON, as a JSON body’s are: many, or nested deep, is too large', async () => {
    const send = (parts: Parameters<typeof formWithTypedParts>[0]) =>
      t.app.inject({
        method: 'POST',
        url: '/index/api/file_upload',
        payload: formWithTypedParts(parts),
        headers: { 'content-type': multipartType },
        remoteAddress: randomIp(),
      });
    const json = 'application/json';
    // 2,100 empty objects in three small parts (8 KB each), and 40,000 arrays nested in one part.
    const many = Array.from({ length: 3 }, (_, i) => ({
      name: `f${i}`,
      type: json,
      value: `[{},{}${',{}'.repeat(698)}]`,
    }));
    const deep = [{ name: 'f', type: json, value: `${'['.repeat(40_000)}${']'.repeat(40_000)}` }];
    for (const parts of [many, deep]) {
      const answer = await send(parts);
      expect(answer.statusCode).toBe(413);
      expect(answer.json()).toEqual({ res: 0, err: '请求内容过大', data: '' });
    }
    expect(t.logLines.filter((line) => line.includes('"level":50'))).toEqual([]);
    // A few values as JSON beside the file are taken, as a form's text is.
    const few = await send([{ name: 'note', type: json, value: '{"a":[1,2,3],"b":{"c":"d"}}' }]);
    expect(few.statusCode).toBe(200);
    expect(few.json()).toMatchObject({ res: 1 });
  });

  it('holds the typed upload to the same 1 MB of text fields, though it reads none of them', async () => {
    // The parser keeps every field of the form until the request ends: 1000 of 128 KB were 128 MB.
    const session = await loginBySms(t);
    const send = (parts: Parameters<typeof formWithTypedParts>[0]) =>
      t.app.inject({
        method: 'POST',
        url: '/api/uploads',
        payload: formWithTypedParts(parts),
        headers: { 'content-type': multipartType, authorization: `Bearer ${session.token}` },
      });
    for (const type of [undefined, 'application/json']) {
      const answer = await send(twelveLargeFields(type));
      expect(answer.statusCode, type).toBe(413);
      expect(answer.json().error.data.appCode, type).toBe('BODY_TOO_LARGE');
    }
    // A few small fields beside the file are a browser form, and taken.
    expect((await send([{ name: 'note', value: 'profile photo' }])).statusCode).toBe(200);
  });

  it('answers a field declared JSON that is not JSON as a malformed form, not a server error', async () => {
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    const payload = formWithTypedParts([{ name: 'note', type: 'application/json', value: '{not json' }]);
    const send = (url: string, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': multipartType, ...headers },
        remoteAddress: randomIp(),
      });
    const legacy = await send('/index/api/file_upload');
    expect(legacy.statusCode).toBe(400);
    expect(legacy.json()).toEqual({ res: 0, err: '请求格式错误', data: '' });
    const typed = await send('/api/uploads', { authorization: `Bearer ${session.token}` });
    expect(typed.statusCode).toBe(400);
    expect(typed.json().error.data.appCode).toBe('MALFORMED_REQUEST');
    // The file after the field was received before the parser reported it, and is not kept.
    expect(await t.storedKeys()).toEqual(before);
    expect(t.logLines.filter((line) => line.includes('"level":50'))).toEqual([]);
  });

  it('takes 600 fields, as a resume /all of 100 projects sends', async () => {
    const fields = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, 'x']));
    const answer = await legacyPost(t.app, '/index/api/sms', { ...fields, phone: '12' }, 'multipart', {
      ip: randomIp(),
    });
    expect(answer.body).toEqual({ res: 0, err: '手机号码格式错误', data: '' });
  });
});
