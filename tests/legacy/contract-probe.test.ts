import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import {
  approveDemand,
  demandFields,
  fundAndPay,
  postDemand,
  uploadFile,
} from '../support/marketplace-flow.js';
import { phpScript, samplePng, sampleZip } from '../support/sample-files.js';
import { randomIp, startTestApp, type TestApp } from '../support/test-app.js';
import { multipartBody, postFile } from '../support/upload-client.js';

/**
 * Corners of CONTRACT.md §1–§4 a deployed client reaches that the flow tests do not: what the door
 * answers before any procedure runs, and the looser input formats.
 */
describe.each(backends)('the legacy contract at its corners ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { CORS_ORIGIN: '*' });
  });
  afterAll(() => t.close());

  it('answers 没有登录或状态过期 on the member upload without a live login, whatever the file', async () => {
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    const logins = [
      {} as Record<string, string>,
      { user_id_check: String(session.userId), token_check: 'expired-token' },
    ];
    const files = [
      { content: phpScript, filename: 'shell.jpg' },
      { content: sampleZip(), filename: 'photo.png' },
      { content: Buffer.alloc(0), filename: 'empty.png' },
    ];
    for (const fields of logins) {
      for (const file of files) {
        const answer = await postFile(t.app, '/user/api/file_upload', { ...file, fields, ip: randomIp() });
        expect(answer.status, file.filename).toBe(200);
        expect(answer.body, file.filename).toEqual({ res: 0, err: '没有登录或状态过期', data: '' });
      }
    }
    expect(await t.storedKeys()).toEqual(before);
    // Logged in, the same file is refused for what it is.
    const refused = await postFile(t.app, '/user/api/file_upload', {
      content: phpScript,
      filename: 'shell.jpg',
      fields: checkFields(session),
    });
    expect(refused.body.err).toBe(
      '不支持的文件类型，仅支持jpg、png、gif、webp图片和zip、rar、7z、pdf、docx、xlsx、pptx文件',
    );
  });

  it('reads ISO 8601 local times with a fraction of a second, and padded unix seconds', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const id = await postDemand(t, owner, { timeb: '2026-12-01T08:30:00.000', timee: ' 1798732800 ' });
    const info = await legacyPost(t.app, '/user/goods/info', { ...checkFields(owner), id });
    expect(info.body.data).toMatchObject({ timeb: '2026-12-01 08:30:00', timee: '2027-01-01 00:00:00' });
    const job = await legacyPost(t.app, '/user/user_person_job/add', {
      ...checkFields(owner),
      begin: '2020-07-01 09:00:00.250',
      end: '2023-06-30',
      company: '深圳某科技有限公司',
      job: '前端工程师',
    });
    expect(job.body.data).toMatchObject({ begin: '2020-07-01 09:00:00', end: '2023-06-30 00:00:00' });
  });

  it('carries Access-Control-Allow-Origin on failures outside a procedure, and on preflight of any path form', async () => {
    const origin = { origin: 'http://app.example' };
    const tooLarge = await t.app.inject({
      method: 'POST',
      url: '/index/api/sms',
      payload: `phone=${'1'.repeat(2 * 1024 * 1024)}`,
      headers: { ...origin, 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toEqual({ res: 0, err: '请求内容过大', data: '' });
    expect(tooLarge.headers['access-control-allow-origin']).toBe('*');
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/index/api/sms',
      payload: '{"phone":',
      headers: { ...origin, 'content-type': 'application/json;charset=UTF-8' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['access-control-allow-origin']).toBe('*');
    const unknown = await t.app.inject({ method: 'POST', url: '/user/nothing/here', headers: origin });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['access-control-allow-origin']).toBe('*');
    for (const url of ['/User/Goods/Index.html', '/user/bill_log/add/', '/Index/Api/File_Upload.html']) {
      const preflight = await t.app.inject({
        method: 'OPTIONS',
        url,
        headers: {
          ...origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(preflight.statusCode, url).toBe(204);
      expect(preflight.headers['access-control-allow-origin'], url).toBe('*');
    }
  });

  it('merges the query string under a form or multipart body with a charset, the body winning', async () => {
    const session = await loginBySms(t);
    const wrongToken = `/user/info/info?user_id_check=${session.userId}&token_check=wrong`;
    for (const type of [
      'application/x-www-form-urlencoded; charset=UTF-8',
      'application/x-www-form-urlencoded;charset=utf-8',
    ]) {
      const form = await t.app.inject({
        method: 'POST',
        url: wrongToken,
        payload: `token_check=${session.token}`,
        headers: { 'content-type': type },
      });
      expect(form.json(), type).toMatchObject({ res: 1, data: { id: session.userId } });
    }
    const upload = await multipartBody({
      content: samplePng(),
      filename: 'a.png',
      fields: { token_check: session.token },
    });
    const multipart = await t.app.inject({
      method: 'POST',
      url: wrongToken.replace('/user/info/info', '/user/api/file_upload'),
      payload: upload.payload,
      headers: { 'content-type': upload.contentType.replace(';', '; charset=UTF-8;') },
    });
    expect(multipart.json()).toMatchObject({ res: 1, err: '' });
  });

  it('takes nested lists in form bracket notation, and repeated keys or a[] as arrays', async () => {
    const session = await loginBySms(t);
    const url = `/user/info/geti?user_id_check=${session.userId}&token_check=${session.token}`;
    const partners =
      'hehuo[0][hehuoren_name]=%E5%BC%A0%E4%B8%89&hehuo[0][hehuoren_code]=11010519491231002X&' +
      'hehuo[1][hehuoren_name]=%E6%9D%8E%E5%9B%9B&hehuo[1][hehuoren_code]=11010519491231002X';
    for (const domicile of ['zhusuo[]=a&zhusuo[]=b', 'zhusuo=a&zhusuo=b']) {
      const answer = await t.app.inject({
        method: 'POST',
        url,
        payload: `name=x&hesuan=%E7%8B%AC%E7%AB%8B%E6%A0%B8%E7%AE%97&${partners}&${domicile}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      });
      expect(answer.json(), domicile).toMatchObject({
        res: 1,
        data: {
          zhusuo: 'a,b',
          hesuan: '独立核算',
          hehuo: [
            { hehuoren_name: '张三', hehuoren_code: '11010519491231002X' },
            { hehuoren_name: '李四', hehuoren_code: '11010519491231002X' },
          ],
        },
      });
    }
  });

  it('keeps a demand’s category when an edit leaves `sort` out, as api.txt’s 需求修改 does', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const id = await postDemand(t, owner, { sort: '软件开发' });
    const { sort: _sort, ...withoutSort } = demandFields({ title: '微信小程序开发（含后台）' });
    const edit = (session: typeof owner, fields: Record<string, unknown>) =>
      legacyPost(t.app, '/user/goods/edit', { ...checkFields(session), id, ...fields });
    const info = async () =>
      (await legacyPost(t.app, '/user/goods/info', { ...checkFields(owner), id })).body.data;

    expect((await edit(owner, withoutSort)).body).toEqual({ res: 1, err: '', data: '' });
    expect(await info()).toMatchObject({ title: '微信小程序开发（含后台）', sort: '软件开发' });
    // Sent empty, it is cleared; someone else's demand stays not found.
    expect((await edit(owner, { ...withoutSort, sort: '' })).body.res).toBe(1);
    expect(await info()).toMatchObject({ sort: '' });
    const stranger = await loginBySms(t, undefined, 2);
    expect((await edit(stranger, withoutSort)).body).toEqual({ res: 0, err: '记录不存在', data: '' });
  });

  it('drops the blank items of a list sent as an array, as it does those of a comma-joined one', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const worker = await loginBySms(t, undefined, 1);
    const id = await postDemand(t, owner, { price: '10' });
    await approveDemand(t, id);
    const image = await uploadFile(t, worker, samplePng(), 'sample.png');
    // A form with an empty second file box: `file[0]=<url>&file[1]=`.
    const applied = await legacyPost(
      t.app,
      '/user/goods_order/add',
      { ...checkFields(worker), goods_id: id, msg: '我有三年小程序经验', file: [image, ''] },
      'form',
    );
    expect(applied.body).toMatchObject({ res: 1, err: '' });
    const applicationId = (applied.body.data as { id: number }).id;
    await fundAndPay(t, owner, id, '10');
    const selected = await legacyPost(
      t.app,
      '/user/goods/ok',
      { ...checkFields(owner), goods_id: id, order_id: [String(applicationId), ''] },
      'form',
    );
    expect(selected.body).toMatchObject({ res: 1, err: '' });
    // A JSON array the client built from a file list with an unfinished upload in it.
    const posted = await legacyPost(t.app, '/user/goods/add', {
      ...checkFields(owner),
      ...demandFields({ file: [null, ' '] }),
    });
    expect(posted.body).toMatchObject({ res: 1, err: '' });

    const mine = await legacyPost(t.app, '/user/goods_order/info', {
      ...checkFields(worker),
      id: applicationId,
    });
    expect(mine.body.data).toMatchObject({
      file: image,
      state: '锁定',
      goodsinfo: { order_id: String(applicationId) },
    });
  });

  it('takes an email with the padding a phone keyboard adds, and a blank box as empty', async () => {
    const session = await loginBySms(t);
    const edit = (email: string) =>
      legacyPost(t.app, '/user/info/edit', { ...checkFields(session), email }, 'form');
    const email = async () =>
      ((await legacyPost(t.app, '/user/info/info', checkFields(session))).body.data as { email: string })
        .email;
    expect((await edit(' li.lei@example.com ')).body).toEqual({ res: 1, err: '', data: '' });
    expect(await email()).toBe('li.lei@example.com');
    expect((await edit('  ')).body).toEqual({ res: 1, err: '', data: '' });
    expect(await email()).toBe('');
  });
});
