import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { embedded } from '../../support/backends.js';
import { samplePng } from '../../support/sample-files.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { postFile } from '../../support/upload-client.js';

/** What a request answered, or `still waiting` once `ms` have passed. */
async function within<T>(ms: number, answer: Promise<T>): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), ms);
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

/*
 * An object store that accepts connections and never answers (a partition, a frozen process): an
 * upload or a download answers 503 once S3_TIMEOUT_MS has passed for each of its two attempts, not
 * after the socket's idle limit (30 s) twice, and the service is back once the store is.
 */
describe('an object store that stops answering', () => {
  let t: TestApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const store = new URL(inject('s3Endpoint'));
    proxy = new TcpProxy(store.hostname, Number(store.port));
    await proxy.start();
    t = await startTestApp(
      embedded,
      { S3_ENDPOINT: `http://127.0.0.1:${proxy.port}`, S3_TIMEOUT_MS: '400' },
      { storage: 's3' },
    );
  });
  afterAll(async () => {
    proxy.heal();
    await t?.close();
    await proxy?.stop();
  });

  const upload = async () =>
    postFile(t.app, '/user/api/file_upload', {
      content: samplePng(),
      filename: 'a.png',
      fields: checkFields(await loginBySms(t)),
    });

  it('answers uploads and downloads 503 in its time, and serves again once the store answers', async () => {
    const stored = await upload();
    expect(stored.body.res, stored.body.err).toBe(1);
    const { url } = stored.body.data as { url: string };

    proxy.blackhole();
    const download = await within(10_000, t.app.inject({ method: 'GET', url }));
    expect(download === 'still waiting' ? download : download.statusCode).toBe(503);
    const refused = await within(10_000, upload());
    expect(refused === 'still waiting' ? refused : refused.status).toBe(503);
    if (refused !== 'still waiting') expect(refused.body).toMatchObject({ res: 0 });

    proxy.heal();
    const again = await t.app.inject({ method: 'GET', url });
    expect(again.statusCode).toBe(200);
    expect(again.rawPayload.equals(samplePng())).toBe(true);
  }, 30_000);
});
