import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { samplePdf } from '../../support/sample-files.js';
import { randomIp, startTestApp, type TestApp } from '../../support/test-app.js';
import { postFile, postTypedFile } from '../../support/upload-client.js';

/**
 * Control characters in a file name were refused only from C0 and DEL: a C1 control (U+0085, a line
 * break to some readers) or U+2028/U+2029 went into the record, and into the download's name.
 */
describe.each(backends)('upload names with line breaks of other alphabets ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  const names = ['报告\u0085附件.pdf', 'a\u009bb.pdf', 'line\u2028two.pdf', 'para\u2029two.pdf'];

  it.each(names)('refuses %j on both doors, storing nothing', async (filename) => {
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    const legacy = await postFile(t.app, '/user/api/file_upload', {
      content: samplePdf(),
      filename,
      fields: checkFields(session),
      ip: randomIp(),
    });
    expect(legacy.body).toEqual({ res: 0, err: '文件名不合法', data: '' });

    const typed = await postTypedFile(t.app, session.token, {
      content: samplePdf(),
      filename,
      ip: randomIp(),
    });
    expect(typed.status).toBe(400);
    expect(typed.body).toMatchObject({ error: { data: { appCode: 'UPLOAD_NAME_INVALID' } } });
    expect(await t.storedKeys()).toEqual(before);
  });

  it('refuses a name whose bytes were no UTF-8 (GBK), and counts a name’s length in characters', async () => {
    const session = await loginBySms(t);
    // 简历 in GBK: the parser reads a part's name as UTF-8, each bad byte U+FFFD. Kept, the upload
    // was answered and downloaded as ����.pdf.
    const boundary = 'nameBoundary';
    const head = (name: string, extra = '') =>
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n`);
    const payload = Buffer.concat([
      ...Object.entries(checkFields(session)).flatMap(([key, value]) => [
        head(key),
        Buffer.from(`${value}\r\n`),
      ]),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="`),
      Buffer.from('bcf2c0fa', 'hex'),
      Buffer.from('.pdf"\r\nContent-Type: application/pdf\r\n\r\n'),
      samplePdf(),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const gbkName = await t.app.inject({
      method: 'POST',
      url: '/user/api/file_upload',
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      remoteAddress: randomIp(),
    });
    expect(gbkName.json()).toEqual({ res: 0, err: '文件名不合法', data: '' });

    // 204 characters, 408 UTF-16 units: within the column's 255 characters.
    const emoji = `${'😀'.repeat(200)}.pdf`;
    const long = await postFile(t.app, '/user/api/file_upload', {
      content: samplePdf(),
      filename: emoji,
      fields: checkFields(session),
      ip: randomIp(),
    });
    expect(long.body.res).toBe(1);
  });

  it('takes the name old Internet Explorer sends with its folders, less the folders', async () => {
    const session = await loginBySms(t);
    const names: ReadonlyArray<readonly [given: string, kept: string]> = [
      ['C:\\fakepath\\报告.pdf', '报告.pdf'],
      ['d:\\Users\\张三\\My Documents\\简历.pdf', '简历.pdf'],
    ];
    for (const [given, kept] of names) {
      const answer = await postFile(t.app, '/user/api/file_upload', {
        content: samplePdf(),
        filename: given,
        fields: checkFields(session),
        ip: randomIp(),
      });
      expect(answer.body.res, given).toBe(1);
      const id = (answer.body.data as { id: number }).id;
      const row = await t.stores.database.db
        .selectFrom('uploads')
        .select('original_name')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.original_name).toBe(kept);
    }
    // A path of another shape is still refused.
    const relative = await postFile(t.app, '/user/api/file_upload', {
      content: samplePdf(),
      filename: 'fakepath\\..\\报告.pdf',
      fields: checkFields(session),
      ip: randomIp(),
    });
    expect(relative.body).toEqual({ res: 0, err: '文件名不合法', data: '' });
  });

  it('still takes names in any script, with zero-width joiners and emoji', async () => {
    const session = await loginBySms(t);
    for (const filename of ['简历 终稿.pdf', 'عربي.pdf', '👩\u200d💻 作品.pdf', 'Ünïcödé.pdf']) {
      const answer = await postFile(t.app, '/user/api/file_upload', {
        content: samplePdf(),
        filename,
        fields: checkFields(session),
        ip: randomIp(),
      });
      expect(answer.body.res, filename).toBe(1);
    }
  });
});
