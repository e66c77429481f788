import { once } from 'node:events';
import { pipeline, Transform } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileStorage } from '../../../server/src/features/uploads/storage.js';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { approveDemand, demandFields, postDemand } from '../../support/marketplace-flow.js';
import { sampleJpeg, samplePng, sampleZip } from '../../support/sample-files.js';
import { backendsAndStorage, randomIp, startTestApp, type TestApp } from '../../support/test-app.js';
import { multipartBody, postFile, postTypedFile } from '../../support/upload-client.js';
import { idNumber } from '../account/account-fixtures.js';

type Session = Awaited<ReturnType<typeof loginBySms>>;

describe.each(backendsAndStorage(backends))('uploads at their edges ($name)', ({ backend, storage }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, {}, { storage });
  });
  afterAll(() => t.close());

  const post = (session: Session, url: string, fields: Record<string, unknown>) =>
    legacyPost(t.app, url, { ...checkFields(session), ...fields });
  const anonymousUpload = async (content = samplePng(13, 7)) => {
    const answer = await postFile(t.app, '/index/api/file_upload', {
      content,
      filename: 'card.png',
      ip: randomIp(),
    });
    expect(answer.body.res).toBe(1);
    return answer.body.data as { id: number; url: string };
  };
  const refused = { res: 0, err: '文件无效，请使用本站上传的文件', data: '' };

  it('refuses an anonymous upload named by its id (ids are guessable), and takes it by its URL', async () => {
    // An ID card photo uploaded before logging in: its id is the next number, its URL is random.
    const card = await anonymousUpload();
    const attacker = await loginBySms(t, undefined, 2);
    const byId = String(card.id);

    // A demand's files are public: naming the id there would hand the photo to anyone.
    const demand = await post(attacker, '/user/goods/add', demandFields({ file: byId }));
    expect(demand.body).toEqual(refused);
    const otherDemand = await postDemand(t, await loginBySms(t, undefined, 2));
    await approveDemand(t, otherDemand);
    const application = await post(attacker, '/user/goods_order/add', {
      goods_id: String(otherDemand),
      msg: '我有三年小程序经验',
      file: byId,
    });
    expect(application.body).toEqual(refused);
    expect((await post(attacker, '/user/info/edit', { face: byId })).body).toEqual(refused);
    // Nor can anyone claim it as their own identity document (which would take it from its owner).
    const claimed = await post(attacker, '/user/info/person', { name: '赵六', code: idNumber(), pic: byId });
    expect(claimed.body).toEqual(refused);

    // Whoever was given the URL (its uploader) still names it, and it becomes theirs.
    const owner = await loginBySms(t, undefined, 1);
    const submitted = await post(owner, '/user/info/person', {
      name: '王五',
      code: idNumber(),
      pic: card.url,
    });
    expect(submitted.body.res).toBe(1);
    // An anonymous avatar or attachment by URL stays allowed, as before.
    const picture = await anonymousUpload(samplePng(14, 7));
    const withFile = await post(owner, '/user/goods/add', demandFields({ file: picture.url }));
    expect(withFile.body.res).toBe(1);
    // The uploader's own uploads are named by id as before.
    const own = await postFile(t.app, '/user/api/file_upload', {
      content: samplePng(15, 7),
      filename: 'a.png',
      fields: checkFields(owner),
    });
    const ownId = String((own.body.data as { id: number }).id);
    expect((await post(owner, '/user/info/edit', { face: ownId })).body.res).toBe(1);
  });

  it('refuses a name whose bidirectional controls would disguise its extension, storing nothing', async () => {
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    // Downloads as `invoice<U+202E>fdp.zip`, which a file manager shows as `invoicepiz.pdf`.
    for (const filename of ['invoice\u202efdp.zip', 'a\u2067b\u2069.zip', 'x\u200f.zip']) {
      const answer = await postFile(t.app, '/user/api/file_upload', {
        content: sampleZip(),
        filename,
        fields: checkFields(session),
      });
      expect(answer.body, JSON.stringify(filename)).toEqual({ res: 0, err: '文件名不合法', data: '' });
    }
    expect(await t.storedKeys()).toEqual(before);
    // Chinese, spaces and brackets are names like any other.
    const plain = await postFile(t.app, '/user/api/file_upload', {
      content: sampleZip(),
      filename: '交付 (最终版).zip',
      fields: checkFields(session),
    });
    expect(plain.body.res).toBe(1);
  });

  it('answers a file part without a name clearly on every door, never as a server error', async () => {
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    // What a browser sends for a file input left empty: `filename=""` and no bytes.
    const empty = { content: Buffer.alloc(0), filename: '' };
    expect(
      (await postFile(t.app, '/user/api/file_upload', { ...empty, fields: checkFields(session) })).body,
    ).toEqual({ res: 0, err: '请选择要上传的文件', data: '' });
    expect((await postFile(t.app, '/index/api/file_upload', { ...empty, ip: randomIp() })).body).toEqual({
      res: 0,
      err: '请选择要上传的文件',
      data: '',
    });
    const typed = (content: Buffer) => postTypedFile(t.app, session.token, { content, filename: '' });
    const missing = await typed(Buffer.alloc(0));
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { data: { appCode: 'UPLOAD_MISSING' } } });
    expect(await t.storedKeys()).toEqual(before);

    // With bytes, a nameless file is a file: the name is metadata only, the bytes decide the type.
    const png = samplePng(9, 4);
    const named = await typed(png);
    expect(named.status).toBe(200);
    expect(named.body).toMatchObject({ mime: 'image/png', originalName: '', size: png.length });
    const legacy = await postFile(t.app, '/user/api/file_upload', {
      content: sampleZip(),
      filename: '',
      fields: checkFields(session),
    });
    expect(legacy.body.res).toBe(1);
    const served = await t.app.inject({ method: 'GET', url: (legacy.body.data as { url: string }).url });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-disposition']).toMatch(/^attachment; filename="[A-Za-z0-9_-]{22}\.zip"/);
    expect(t.logLines.filter((line) => line.includes('"level":50'))).toEqual([]);
  });
});

/** The storage driver, counting the bytes the service reads out of it. */
class CountingStorage implements FileStorage {
  bytesRead = 0;
  /** Settles once the stream last handed out is closed, read to its end or not. */
  lastClosed: Promise<unknown> = Promise.resolve();
  constructor(private readonly inner: FileStorage) {}
  put: FileStorage['put'] = (key, body) => this.inner.put(key, body);
  delete: FileStorage['delete'] = (key) => this.inner.delete(key);
  check: FileStorage['check'] = () => this.inner.check();
  close: FileStorage['close'] = () => this.inner.close();
  async get(key: string) {
    const stored = await this.inner.get(key);
    if (!stored) return null;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.bytesRead += chunk.length;
        done(null, chunk);
      },
    });
    // pipeline: destroying what the service got destroys the stored stream too.
    const body = pipeline(stored.body, counter, () => undefined);
    this.lastClosed = once(body, 'close');
    return { body, size: stored.size };
  }
}

describe.each(backendsAndStorage(backends))('HEAD of an upload ($name)', ({ backend, storage: driver }) => {
  let served: TestApp;
  let storage: CountingStorage;
  beforeAll(async () => {
    served = await startTestApp(
      backend,
      {},
      {
        storage: driver,
        wrapStorage: (inner) => {
          storage = new CountingStorage(inner);
          return storage;
        },
      },
    );
  });
  afterAll(() => served.close());

  it('answers the headers a GET has without reading the file out of storage', async () => {
    const content = sampleJpeg(4 * 1024 * 1024);
    const { payload, contentType } = await multipartBody({ content, filename: 'big.jpg' });
    const uploaded = await served.app.inject({
      method: 'POST',
      url: '/index/api/file_upload',
      payload,
      headers: { 'content-type': contentType },
      remoteAddress: randomIp(),
    });
    const { url } = uploaded.json().data as { url: string };

    const head = await served.app.inject({ method: 'HEAD', url });
    expect(head.statusCode).toBe(200);
    expect(head.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'content-length': String(content.length),
      'x-content-type-options': 'nosniff',
    });
    expect(head.rawPayload.length).toBe(0);
    await storage.lastClosed;
    // Before, Fastify drained the whole stream to discard it: 4 MB read for a HEAD.
    expect(storage.bytesRead).toBeLessThan(256 * 1024);

    const get = await served.app.inject({ method: 'GET', url });
    expect(get.rawPayload.equals(content)).toBe(true);
  });
});
