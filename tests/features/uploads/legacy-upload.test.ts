import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import {
  phpScript,
  sampleJpeg,
  sampleOfficeDocument,
  samplePdf,
  samplePng,
  sampleZip,
} from '../../support/sample-files.js';
import { backendsAndStorage, randomIp, startTestApp, type TestApp } from '../../support/test-app.js';
import { postFile, uploadRowOf } from '../../support/upload-client.js';

const urlPattern = /^\/uploads\/\d{4}\/\d{2}\/\d{2}\/[A-Za-z0-9_-]{22}\.(png|jpg|zip|pdf|docx|xlsx|pptx)$/;
const unique = (name: string) => `${randomBytes(4).toString('hex')}-${name}`;

describe.each(backendsAndStorage(backends))('legacy upload routes ($name)', ({ backend, storage }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { LIMIT_ANON_UPLOAD_PER_IP_HOUR: '3' }, { storage });
  });
  afterAll(() => t.close());

  const rowsNamed = async (name: string) =>
    (
      await t.stores.database.db
        .selectFrom('uploads')
        .select('id')
        .where('original_name', '=', name)
        .execute()
    ).length;

  it('stores a PNG under a random dated name and serves it back byte for byte, inline and nosniff', async () => {
    const session = await loginBySms(t);
    const png = samplePng();
    const name = unique('头像.png');
    const answer = await postFile(t.app, '/user/api/file_upload', {
      content: png,
      filename: name,
      fields: checkFields(session),
      textFieldNamedFile: true,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.res).toBe(1);
    const data = answer.body.data as { id: number; url: string; time: string };
    expect(Object.keys(data).sort()).toEqual(['id', 'time', 'url']);
    expect(data.url).toMatch(urlPattern);
    expect(data.url.endsWith('.png')).toBe(true);
    expect(data.time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const row = await uploadRowOf(t, data.url);
    expect(row).toMatchObject({
      id: data.id,
      user_id: session.userId,
      original_name: name,
      mime: 'image/png',
    });
    expect(Number(row?.size)).toBe(png.length);
    const stored = await t.readStored(data.url.replace('/uploads/', ''));
    expect(stored.equals(png)).toBe(true);

    const served = await t.app.inject({ method: 'GET', url: data.url });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(png)).toBe(true);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-disposition']).toBe('inline');
    expect(Number(served.headers['content-length'])).toBe(png.length);
  });

  it('takes the login fields after the file part as well', async () => {
    const session = await loginBySms(t);
    const answer = await postFile(t.app, '/user/api/file_upload', {
      content: samplePng(8, 8),
      filename: 'later.png',
      fields: checkFields(session),
      fieldsAfterFile: true,
    });
    expect(answer.body.res).toBe(1);
    const row = await uploadRowOf(t, (answer.body.data as { url: string }).url);
    expect(row?.user_id).toBe(session.userId);
  });

  it('accepts deliverables from members and serves them as attachments under their original name', async () => {
    const session = await loginBySms(t);
    for (const [content, name, mime] of [
      [sampleZip(), '成果 final.zip', 'application/zip'],
      [samplePdf(), 'report.pdf', 'application/pdf'],
      // Office documents, the deliverables most asked for: refused before as no accepted type.
      [
        sampleOfficeDocument('docx'),
        '方案.docx',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ],
      [
        sampleOfficeDocument('xlsx'),
        'budget.xlsx',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ],
      [
        sampleOfficeDocument('pptx'),
        'pitch.pptx',
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      ],
    ] as const) {
      const answer = await postFile(t.app, '/user/api/file_upload', {
        content,
        filename: name,
        fields: checkFields(session),
      });
      expect(answer.body.res).toBe(1);
      const { url } = answer.body.data as { url: string };
      expect(url).toMatch(urlPattern);
      const served = await t.app.inject({ method: 'GET', url });
      expect(served.rawPayload.equals(content)).toBe(true);
      expect(served.headers['content-type']).toBe(mime);
      expect(served.headers['x-content-type-options']).toBe('nosniff');
      expect(served.headers['content-disposition']).toBe(
        `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      );
    }
  });

  it('lets anyone upload an image without logging in, recorded without an owner', async () => {
    const answer = await postFile(t.app, '/index/api/file_upload', {
      content: samplePng(),
      filename: 'anon.png',
      ip: randomIp(),
    });
    expect(answer.body.res).toBe(1);
    const row = await uploadRowOf(t, (answer.body.data as { url: string }).url);
    expect(row?.user_id).toBeNull();
  });

  describe('refusals leave nothing behind', () => {
    const refusals = [
      {
        what: 'a PHP script named .jpg',
        route: '/user/api/file_upload',
        content: phpScript,
        name: 'shell.jpg',
        err: '不支持的文件类型，仅支持jpg、png、gif、webp图片和zip、rar、7z、pdf、docx、xlsx、pptx文件',
      },
      {
        what: 'a zip named .png',
        route: '/user/api/file_upload',
        content: sampleZip(),
        name: 'photo.png',
        err: '文件扩展名与文件内容不符',
      },
      {
        what: 'a zip named .png, anonymously',
        route: '/index/api/file_upload',
        content: sampleZip(),
        name: 'photo.png',
        err: '此处只能上传jpg、png、gif、webp图片',
      },
      {
        what: 'an anonymous archive',
        route: '/index/api/file_upload',
        content: sampleZip(),
        name: 'work.zip',
        err: '此处只能上传jpg、png、gif、webp图片',
      },
      {
        what: 'an empty file',
        route: '/user/api/file_upload',
        content: Buffer.alloc(0),
        name: 'empty.png',
        err: '文件内容为空',
      },
      {
        what: 'a 6 MB image',
        route: '/user/api/file_upload',
        content: sampleJpeg(6 * 1024 * 1024),
        name: 'big.jpg',
        err: '文件过大：图片不能超过5MB，其它文件不能超过50MB',
      },
      {
        what: 'a path-traversal file name',
        route: '/user/api/file_upload',
        content: samplePng(),
        name: '../../../etc/cron.d/x.png',
        err: '文件名不合法',
      },
      {
        what: 'a Windows path as file name',
        route: '/user/api/file_upload',
        content: samplePng(),
        name: '..\\..\\app.db.png',
        err: '文件名不合法',
      },
    ];
    it.each(refusals)('refuses $what', async ({ route, content, name, err }) => {
      const session = await loginBySms(t);
      const before = await t.storedKeys();
      const filename = name.includes('/') || name.includes('\\') ? name : unique(name);
      const answer = await postFile(t.app, route, {
        content,
        filename,
        fields: route.startsWith('/user/') ? checkFields(session) : {},
        ip: randomIp(),
      });
      expect(answer).toMatchObject({ status: 200, body: { res: 0, err, data: '' } });
      expect(await t.storedKeys()).toEqual(before);
      expect(await rowsNamed(filename)).toBe(0);
    });

    it('refuses a member upload without a valid login, after the file has streamed', async () => {
      const session = await loginBySms(t);
      const other = await loginBySms(t);
      const before = await t.storedKeys();
      const name = unique('nologin.png');
      for (const fields of [
        {} as Record<string, string>,
        { user_id_check: String(session.userId), token_check: other.token },
        { user_id_check: String(session.userId), token_check: 'forged-token' },
      ]) {
        const answer = await postFile(t.app, '/user/api/file_upload', {
          content: samplePng(),
          filename: name,
          fields,
        });
        expect(answer.body).toEqual({ res: 0, err: '没有登录或状态过期', data: '' });
      }
      expect(await t.storedKeys()).toEqual(before);
      expect(await rowsNamed(name)).toBe(0);
    });

    it('answers a form without a file part (only the text field named file) with a clear error', async () => {
      const session = await loginBySms(t);
      const answer = await t.app.inject({
        method: 'POST',
        url: '/user/api/file_upload',
        payload: { ...checkFields(session), file: 'x.png' },
      });
      expect(answer.json()).toEqual({ res: 0, err: '请选择要上传的文件', data: '' });
    });
  });

  it('limits anonymous uploads per IP per hour', async () => {
    const ip = randomIp();
    const send = (from: string) =>
      postFile(t.app, '/index/api/file_upload', { content: samplePng(4, 4), filename: 'a.png', ip: from });
    for (let i = 0; i < 3; i++) expect((await send(ip)).body.res).toBe(1);
    expect((await send(ip)).body).toEqual({ res: 0, err: '上传过于频繁，请稍后再试', data: '' });
    expect((await send(randomIp())).body.res).toBe(1);
    t.clock.advance(60 * 60_000);
    expect((await send(ip)).body.res).toBe(1);
  });

  it('counts an IPv6 client by its /64 for anonymous uploads', async () => {
    const network = `2001:db8:${randomInt(1, 0xffff).toString(16)}:7`;
    const send = (host: number) =>
      postFile(t.app, '/index/api/file_upload', {
        content: samplePng(4, 4),
        filename: 'a.png',
        ip: `${network}::${host.toString(16)}`,
      });
    for (let host = 1; host <= 3; host++) expect((await send(host)).body.res).toBe(1);
    expect((await send(4)).body).toEqual({ res: 0, err: '上传过于频繁，请稍后再试', data: '' });
  });

  it('serves only recorded uploads and refuses path tricks', async () => {
    for (const url of [
      '/uploads/2026/01/01/AAAAAAAAAAAAAAAAAAAAAA.png',
      '/uploads/..%2F..%2Fapp-secret',
      '/uploads/2026/01/01/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '/uploads/%2e%2e/%2e%2e/app.db',
    ]) {
      const answer = await t.app.inject({ method: 'GET', url });
      expect(answer.statusCode).toBe(404);
      expect(answer.json()).toEqual({ res: 0, err: '接口不存在', data: '' });
    }
  });
});
