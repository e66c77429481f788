import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedded } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { randomIp, startTestApp, type TestApp } from '../support/test-app.js';

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

  it('takes 600 fields, as a resume /all of 100 projects sends', async () => {
    const fields = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, 'x']));
    const answer = await legacyPost(t.app, '/index/api/sms', { ...fields, phone: '12' }, 'multipart', {
      ip: randomIp(),
    });
    expect(answer.body).toEqual({ res: 0, err: '手机号码格式错误', data: '' });
  });
});
