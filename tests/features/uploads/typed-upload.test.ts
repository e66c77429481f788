import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appErrorCode, createClient, isAppError, uploadFile } from '../../../client-sdk/index.js';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { eventually } from '../../support/eventually.js';
import { sampleJpeg, samplePng, sampleZip } from '../../support/sample-files.js';
import { backendsAndStorage, startTestApp, type TestApp } from '../../support/test-app.js';
import { multipartBody } from '../../support/upload-client.js';

/** Uploads over a real socket: the typed SDK helper, and the legacy route as a browser posts it. */
describe.each(backendsAndStorage(backends))('uploads over HTTP ($name)', ({ backend, storage }) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(backend, {}, { storage });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('uploads with the SDK helper and answers the typed record, served byte for byte', async () => {
    const session = await loginBySms(t);
    const png = samplePng(100, 80);
    const record = await uploadFile({
      url,
      token: session.token,
      file: new Blob([new Uint8Array(png)]),
      filename: 'pic.png',
    });
    expect(record).toEqual({
      id: expect.any(Number),
      url: expect.stringMatching(/^\/uploads\/\d{4}\/\d{2}\/\d{2}\/[A-Za-z0-9_-]{22}\.png$/),
      mime: 'image/png',
      size: png.length,
      originalName: 'pic.png',
      createdAt: new Date(t.clock.now()),
    });
    const served = await fetch(`${url}${record.url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
  });

  it('stores files of one, two and several 5 MB parts byte for byte, one after another and at once', async () => {
    const session = await loginBySms(t);
    const mb = 1024 * 1024;
    const archive = (bytes: number) => {
      const content = randomBytes(bytes);
      sampleZip().copy(content);
      return content;
    };
    const send = async (content: Buffer, filename: string) => {
      const record = await uploadFile({
        url,
        token: session.token,
        file: new Blob([new Uint8Array(content)]),
        filename,
      });
      const served = Buffer.from(await (await fetch(`${url}${record.url}`)).arrayBuffer());
      return { size: record.size, same: served.equals(content) };
    };
    // Largest first: a smaller file after it must not carry any of its bytes.
    for (const bytes of [12 * mb + 3, 10 * mb, 5 * mb, 5 * mb + 1, 300 * 1024]) {
      expect(await send(archive(bytes), `${bytes}.zip`)).toEqual({ size: bytes, same: true });
    }
    const together = [11 * mb, 7 * mb, 6 * mb + 5].map(archive);
    expect(await Promise.all(together.map((content, i) => send(content, `together-${i}.zip`)))).toEqual(
      together.map((content) => ({ size: content.length, same: true })),
    );
  });

  it('refuses through the SDK with errors isAppError recognises, as it does those of procedures', async () => {
    const session = await loginBySms(t);
    const attempt = (token: string, content: Buffer, filename: string) =>
      uploadFile({ url, token, file: new Blob([new Uint8Array(content)]), filename }).then(
        () => {
          throw new Error('the upload succeeded');
        },
        (error: unknown) => {
          if (!isAppError(error)) throw error;
          return {
            code: appErrorCode(error),
            status: error.data?.httpStatus,
            message: error.message,
            response: (error.meta?.response as Response | undefined)?.status,
          };
        },
      );
    expect(await attempt('not-a-token', samplePng(), 'a.png')).toEqual({
      code: 'UNAUTHENTICATED',
      status: 401,
      message: 'Not logged in or the session expired',
      response: 401,
    });
    expect(await attempt(session.token, sampleJpeg(6 * 1024 * 1024), 'big.jpg')).toMatchObject({
      code: 'UPLOAD_TOO_LARGE',
      status: 413,
    });
    expect(await attempt(session.token, Buffer.from('plain text'), 'a.txt')).toMatchObject({
      code: 'UPLOAD_TYPE_NOT_ALLOWED',
      status: 400,
    });
    const archive = await uploadFile({
      url,
      token: session.token,
      file: new Blob([new Uint8Array(sampleZip())]),
      filename: 'work.zip',
    });
    expect(archive.mime).toBe('application/zip');
  });

  it('takes the token as createClient does: a getter asked at upload time', async () => {
    const session = await loginBySms(t);
    let token: string | undefined;
    const connection = { url, token: () => token };
    const upload = () =>
      uploadFile({ ...connection, file: new Blob([new Uint8Array(samplePng())]), filename: 'a.png' });
    await expect(upload()).rejects.toSatisfy((error) => isAppError(error, 'UNAUTHENTICATED'));
    token = session.token;
    expect((await upload()).mime).toBe('image/png');
    expect((await createClient(connection).user.me.query()).id).toBe(session.userId);
  });

  it('answers a refusal in the shape /trpc gives the same error, status included', async () => {
    const upload = await fetch(`${url}/api/uploads`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-token' },
      body: new FormData(),
    });
    const procedure = await fetch(`${url}/trpc/user.me`, {
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(upload.status).toBe(procedure.status);
    const uploadBody = (await upload.json()) as { error: { data: Record<string, unknown> } };
    const procedureBody = (await procedure.json()) as { error: { json: { data: Record<string, unknown> } } };
    const { path: _path, ...procedureData } = procedureBody.error.json.data;
    expect(uploadBody).toEqual({ error: { ...procedureBody.error.json, data: procedureData } });
    expect(uploadBody.error.data).toMatchObject({
      appCode: 'UNAUTHENTICATED',
      httpStatus: 401,
      issues: null,
    });
  });

  it('answers a form without a file as UPLOAD_MISSING, and a non-form body the same', async () => {
    const session = await loginBySms(t);
    const headers = { authorization: `Bearer ${session.token}` };
    const noFile = new FormData();
    noFile.append('note', 'no file here');
    for (const body of [noFile, JSON.stringify({ file: 'x' })]) {
      const response = await fetch(`${url}/api/uploads`, { method: 'POST', headers, body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { data: unknown } }).error.data).toMatchObject({
        code: 'BAD_REQUEST',
        appCode: 'UPLOAD_MISSING',
      });
    }
  });

  it('answers a browser posting an oversized image to the legacy route with the envelope', async () => {
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    const { payload, contentType } = await multipartBody({
      content: sampleJpeg(6 * 1024 * 1024),
      filename: 'big.jpg',
      fields: checkFields(session),
    });
    const response = await fetch(`${url}/user/api/file_upload`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(payload),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      res: 0,
      err: '文件过大：图片不能超过5MB，其它文件不能超过50MB',
      data: '',
    });
    expect(await t.storedKeys()).toEqual(before);
  });

  it('refuses an archive over 50 MB, cut off by the multipart limit', async () => {
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    const zip = sampleZip();
    const huge = Buffer.alloc(50 * 1024 * 1024 + 10);
    zip.copy(huge);
    const { payload, contentType } = await multipartBody({
      content: huge,
      filename: 'huge.zip',
      fields: checkFields(session),
    });
    const response = await fetch(`${url}/user/api/file_upload`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(payload),
    });
    expect(await response.json()).toEqual({
      res: 0,
      err: '文件过大：图片不能超过5MB，其它文件不能超过50MB',
      data: '',
    });
    expect(await t.storedKeys()).toEqual(before);
  });

  it('leaves nothing behind when the client hangs up in the middle of a large upload', async () => {
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    const name = `cut-${randomBytes(4).toString('hex')}.zip`;
    const zip = sampleZip();
    const content = Buffer.alloc(12 * 1024 * 1024, 7);
    zip.copy(content);
    const { payload, contentType } = await multipartBody({
      content,
      filename: name,
      fields: checkFields(session),
    });
    // Past the first 5 MB part, so on S3 a multipart upload is under way when the client goes.
    const sent = payload.subarray(0, 9 * 1024 * 1024);
    const { port } = new URL(url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /user/api/file_upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\n` +
            `Content-Length: ${payload.length}\r\n\r\n`,
        );
        socket.write(sent, () => setTimeout(() => socket.destroy(), 300));
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const rows = () =>
      t.stores.database.db.selectFrom('uploads').select('id').where('original_name', '=', name).execute();
    // The server notices the hang-up on its own schedule; wait until no partial file is left.
    await eventually(
      () => t.storedKeys(),
      (keys) => JSON.stringify(keys) === JSON.stringify(before),
    );
    expect(await rows()).toEqual([]);
    // And the service goes on serving uploads.
    const after = await uploadFile({
      url,
      token: session.token,
      file: new Blob([new Uint8Array(samplePng())]),
      filename: 'after.png',
    });
    expect(after.mime).toBe('image/png');
  });
});
