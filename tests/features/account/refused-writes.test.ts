import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../support/backends.js';
import { approveDemand, demandFields, postDemand } from '../../support/marketplace-flow.js';
import { samplePng } from '../../support/sample-files.js';
import { randomIp, startTestApp, type TestApp } from '../../support/test-app.js';
import { postFile, uploadRowOf } from '../../support/upload-client.js';
import { idNumber, loginBySms, post, withWrongCheck } from './account-fixtures.js';

/*
 * A record naming an anonymous upload (one made before logging in) makes it its writer's, so
 * nobody else can name it. That was done while the files were resolved, before the record was
 * written: a submission refused afterwards (a bad ID number, another field's file, another
 * user's demand) still took the upload, and its finder could no longer use it anywhere.
 */
describe.each(backends)('a refused write takes no upload ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  /** An image uploaded without logging in: its URL, and who owns it now (null: nobody). */
  async function anonymousUpload() {
    const answer = await postFile(t.app, '/index/api/file_upload', {
      content: samplePng(13, 7),
      filename: 'scan.png',
      ip: randomIp(),
    });
    const { url } = answer.body.data as { url: string };
    const ownerOf = async () => (await uploadRowOf(t, url))?.user_id;
    return { url, ownerOf };
  }
  const missingUpload = '/uploads/2026/01/01/AAAAAAAAAAAAAAAAAAAAAA.png';

  it('leaves the upload anonymous, for whoever names it next', async () => {
    const writer = await loginBySms(t, undefined, 2);
    const finder = await loginBySms(t);
    const { url, ownerOf } = await anonymousUpload();
    const demandId = await postDemand(t, finder);
    await approveDemand(t, demandId);

    const refusals = [
      // Refused for its ID number, once its files were resolved.
      [
        '/user/info/person',
        { name: '王五', code: withWrongCheck(idNumber()), pic: url },
        '身份证号码格式错误',
      ],
      // Refused for its second file field, once the first was resolved.
      [
        '/user/info/person',
        { name: '王五', code: idNumber(), pic: url, picf: missingUpload },
        '文件无效，请使用本站上传的文件',
      ],
      [
        '/user/info/company',
        { name: '某公司', yyzz: url, faren_f: missingUpload },
        '文件无效，请使用本站上传的文件',
      ],
      // Another user's demand, found so only in the edit's transaction.
      ['/user/goods/edit', { id: demandId, ...demandFields({ file: url }) }, '记录不存在'],
    ] as const;
    for (const [path, fields, err] of refusals) {
      const answer = await post(t, writer, path, fields);
      expect(answer.body, path).toEqual({ res: 0, err, data: '' });
      expect(await ownerOf(), path).toBeNull();
    }

    const taken = await post(t, finder, '/user/info/edit', { face: url });
    expect(taken.body.res).toBe(1);
    expect(await ownerOf()).toBe(finder.userId);
  });
});
