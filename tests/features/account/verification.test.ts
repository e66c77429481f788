import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appErrorCode, createClient, isAppError } from '../../../client-sdk/index.js';
import { checkFields } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { encodings } from '../../support/legacy-client.js';
import { samplePdf } from '../../support/sample-files.js';
import { signedUrls } from '../../support/signed-urls.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';
import { postFile } from '../../support/upload-client.js';
import {
  getiForm,
  idNumber,
  info,
  loginBySms,
  post,
  uploadImage,
  withWrongCheck,
} from './account-fixtures.js';

const legacyTime = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe.each(backends)('verification submissions over /user/info/* ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  describe.each(encodings)('with a %s body', (encoding) => {
    it('submits the person record and shows it with labels, money in yuan and joined file URLs', async () => {
      const session = await loginBySms(t, undefined, 1);
      const front = await uploadImage(t, session);
      const back = await uploadImage(t, session, 24);
      const pdf = await postFile(t.app, '/user/api/file_upload', {
        content: samplePdf(),
        filename: 'cv.pdf',
        fields: checkFields(session),
      });
      const cv = pdf.body.data as { id: number; url: string };
      const code = idNumber('19881120').replace(/X$/, 'x');
      const answer = await post(
        t,
        session,
        '/user/info/person',
        {
          name: '张三',
          code,
          pic: front.url,
          picf: String(back.id),
          job: 'IT互联网',
          jobname: 'JAVA工程师',
          jtype: '兼职',
          jtime: ['2026-12-01', '2026-12-31 18:00:00'],
          timelong: '20小时',
          jobarea: ['广东省', '深圳市'],
          jobaddress: '南山区科技园',
          money: '350.5',
          des: '五年经验\n擅长后端',
          fileone: `${front.url},${cv.url}`,
          filetow: '',
        },
        encoding,
      );
      expect(answer.body.res).toBe(1);
      const person = {
        uid: session.userId,
        state: '未审核',
        reason: '',
        time: expect.stringMatching(legacyTime),
        name: '张三',
        code: code.toUpperCase(),
        pic: signedUrls(front.url),
        picf: signedUrls(back.url),
        job: 'IT互联网',
        jobname: 'JAVA工程师',
        jtype: '兼职',
        jtime: '2026-12-01 00:00:00,2026-12-31 18:00:00',
        timelong: '20小时',
        jobarea: '广东省,深圳市',
        jobaddress: '南山区科技园',
        money: 350.5,
        des: '五年经验\n擅长后端',
        fileone: signedUrls(front.url, cv.url),
        filetow: '',
      };
      expect(answer.body.data).toEqual(person);
      expect(await info(t, session)).toMatchObject({
        name: '张三',
        code: code.toUpperCase(),
        pic: signedUrls(front.url),
        picf: signedUrls(back.url),
        userstate: '未认证',
        person,
        company: null,
        geti: null,
      });

      // A later submit changes only what it names, and keeps the record under review.
      const again = await post(
        t,
        session,
        '/user/info/person',
        { money: 400, jobname: 'Go工程师' },
        encoding,
      );
      expect(again.body.data).toEqual({ ...person, money: 400, jobname: 'Go工程师' });
    });

    it('submits the company record, taking the addressdtail alias', async () => {
      const session = await loginBySms(t, undefined, 2);
      const license = await uploadImage(t, session);
      const front = await uploadImage(t, session, 18);
      const back = await uploadImage(t, session, 19);
      const answer = await post(
        t,
        session,
        '/user/info/company',
        {
          name: '深圳某某科技有限公司',
          type: '软件和信息技术服务业',
          pic: license.url,
          pro: '广东省',
          city: '深圳市',
          addressdtail: '南山区科技园1号',
          year: '5',
          faren_name: '李四',
          faren_z: front.url,
          faren_f: back.url,
        },
        encoding,
      );
      const company = {
        uid: session.userId,
        state: '未审核',
        reason: '',
        time: expect.stringMatching(legacyTime),
        name: '深圳某某科技有限公司',
        type: '软件和信息技术服务业',
        pic: signedUrls(license.url),
        pro: '广东省',
        city: '深圳市',
        address: '南山区科技园1号',
        addressdtail: '南山区科技园1号',
        year: '5',
        faren_name: '李四',
        faren_z: signedUrls(front.url),
        faren_f: signedUrls(back.url),
      };
      expect(answer.body).toEqual({ res: 1, err: '', data: company });
      expect((await info(t, session)).company).toEqual(company);
    });

    it('submits the geti record with partners (JSON array or bracket fields), joined zhusuo and the fangwen alias', async () => {
      const session = await loginBySms(t);
      const legal = idNumber('19750101');
      const partnerA = idNumber('19800202');
      const partnerB = idNumber('19850303');
      const answer = await post(
        t,
        session,
        '/user/info/geti',
        getiForm({
          shouji: '020-12345678',
          faren_code: legal,
          hehuo: [
            { hehuoren_name: '合伙人甲', hehuoren_code: partnerA },
            { hehuoren_name: '合伙人乙', hehuoren_code: partnerB },
          ],
        }),
        encoding,
      );
      const geti = {
        uid: session.userId,
        state: '未审核',
        reason: '',
        time: expect.stringMatching(legacyTime),
        name: '张记小吃店',
        zhusuo: '广东省,广州市,天河区',
        jingying: '天河路100号',
        youbian: '510000',
        shouji: '020-12345678',
        zhiben: 100.5,
        leixing: '个体工商户',
        hesuan: '非独立核算',
        renshu: 12,
        hangye: '餐饮业',
        fanwen: '小吃 饮料',
        fangwen: '小吃 饮料',
        faren_name: '张老板',
        faren_code: legal,
        hehuo: [
          { hehuoren_name: '合伙人甲', hehuoren_code: partnerA },
          { hehuoren_name: '合伙人乙', hehuoren_code: partnerB },
        ],
      };
      expect(answer.body).toEqual({ res: 1, err: '', data: geti });
      expect((await info(t, session)).geti).toEqual(geti);

      // Partners given again replace the list; hesuan 0 is a value, not "absent".
      const replaced = await post(
        t,
        session,
        '/user/info/geti',
        { hesuan: 0, hehuo: [{ hehuoren_name: '合伙人丙', hehuoren_code: partnerB }] },
        encoding,
      );
      expect(replaced.body.data).toEqual({
        ...geti,
        hesuan: '独立核算',
        hehuo: [{ hehuoren_name: '合伙人丙', hehuoren_code: partnerB }],
      });
      const kept = await post(t, session, '/user/info/geti', { renshu: 3 }, encoding);
      expect((kept.body.data as { hehuo: unknown[] }).hehuo).toHaveLength(1);
    });

    it('clears a number with its empty box, as a text is cleared, and keeps it when absent', async () => {
      const session = await loginBySms(t);
      const code = idNumber();
      const person = (fields: Record<string, unknown>) =>
        post(t, session, '/user/info/person', { name: '王五', code, ...fields }, encoding);
      const geti = (fields: Record<string, unknown>) =>
        post(t, session, '/user/info/geti', { name: '五金店', ...fields }, encoding);
      expect((await person({ money: '800' })).body.data).toMatchObject({ money: 800 });
      expect((await person({ jobname: '前端' })).body.data).toMatchObject({ money: 800 });
      // Before: an empty box kept 800, though the route says an empty field clears it.
      expect((await person({ money: '' })).body.data).toMatchObject({ money: 0 });
      expect((await geti({ zhiben: '10', renshu: '3' })).body.data).toMatchObject({ zhiben: 10, renshu: 3 });
      expect((await geti({ leixing: '个体工商户' })).body.data).toMatchObject({ zhiben: 10, renshu: 3 });
      expect((await geti({ zhiben: '', renshu: ' ' })).body.data).toMatchObject({ zhiben: 0, renshu: 0 });
    });

    it('refuses bad identity numbers, money and missing names with the field named', async () => {
      const session = await loginBySms(t);
      const good = idNumber();
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['/user/info/person', { name: '王五', code: withWrongCheck(good) }, '身份证号码格式错误'],
        ['/user/info/person', { name: '王五', code: '123456' }, '身份证号码格式错误'],
        ['/user/info/person', { name: '王五', code: '110105199002301234' }, '身份证号码格式错误'],
        ['/user/info/person', { code: good }, '身份证名字不能为空'],
        ['/user/info/person', { name: '王五', code: good, money: '-1' }, '日薪格式错误'],
        ['/user/info/person', { name: '王五', code: good, money: '1.234' }, '日薪格式错误'],
        [
          '/user/info/person',
          { name: '王五', code: good, pic: 'https://evil.example.com/a.png' },
          '文件无效，请使用本站上传的文件',
        ],
        ['/user/info/company', { type: '餐饮' }, '公司名称不能为空'],
        ['/user/info/geti', { name: '店', faren_code: withWrongCheck(good) }, '法人身份证号格式错误'],
        ['/user/info/geti', { name: '店', zhiben: 'abc' }, '注册资本格式错误'],
        ['/user/info/geti', { name: '店', hesuan: '3' }, '核算方式格式错误'],
        [
          '/user/info/geti',
          {
            name: '店',
            hehuo: [
              { hehuoren_name: '甲', hehuoren_code: good },
              { hehuoren_name: '乙', hehuoren_code: '1' },
            ],
          },
          '第2条：合伙人身份证号格式错误',
        ],
      ];
      for (const [url, fields, err] of cases) {
        const answer = await post(t, session, url, fields, encoding);
        expect({ url, fields, body: answer.body }).toEqual({ url, fields, body: { res: 0, err, data: '' } });
      }
      expect(await info(t, session)).toMatchObject({ person: null, company: null, geti: null, name: '' });
    });
  });

  it('reads partners sent as a JSON string in a multipart form', async () => {
    const session = await loginBySms(t);
    const partner = idNumber('19991231');
    const form = new FormData();
    for (const [name, value] of Object.entries({
      ...checkFields(session),
      name: '李记',
      hehuo: JSON.stringify([{ hehuoren_name: '丁', hehuoren_code: partner }]),
    })) {
      form.append(name, value);
    }
    const request = new Request('http://local/', { method: 'POST', body: form });
    const answer = await t.app.inject({
      method: 'POST',
      url: '/user/info/geti',
      payload: Buffer.from(await request.arrayBuffer()),
      headers: { 'content-type': request.headers.get('content-type') ?? '' },
    });
    expect(answer.json().data.hehuo).toEqual([{ hehuoren_name: '丁', hehuoren_code: partner }]);
  });
  it('refuses a work period that ends before it starts or lies outside the calendar, keeping the record', async () => {
    const session = await loginBySms(t);
    const client = createClient({ url: await listen(t), token: session.token });
    const from = new Date('2026-12-01T00:00:00+08:00');
    const to = new Date('2026-12-31T00:00:00+08:00');
    const kept = await client.account.submitPersonVerification.mutate({
      name: '王五',
      idNumber: idNumber('19900101'),
      workPeriod: [from, to],
    });
    const refused = async (workPeriod: Date[]) =>
      client.account.submitPersonVerification.mutate({ workPeriod }).then(
        () => 'accepted',
        (error: unknown) => appErrorCode(error),
      );
    expect(await refused([to, from])).toBe('END_BEFORE_BEGIN');
    const backwards = await client.account.submitPersonVerification
      .mutate({ workPeriod: [to, from] })
      .catch((error: unknown) => error);
    // The field as a form marks it: the period's end.
    expect(isAppError(backwards) && backwards.data.issues).toEqual([
      { path: ['workPeriod', '1'], message: 'The end is before the begin' },
    ]);
    // The extremes of a JS Date: stored before, and shown by the legacy door as `NaN-undefined-...`.
    expect(await refused([new Date(8.64e15)])).toBe('VALIDATION_FAILED');
    expect(await refused([from, new Date(8.64e15)])).toBe('VALIDATION_FAILED');
    expect(await refused([new Date(-8.64e15), to])).toBe('VALIDATION_FAILED');
    expect((await client.account.getMyVerifications.query()).person?.workPeriod).toEqual(kept.workPeriod);
    // The legacy door names the same failure in Chinese.
    const legacy = await post(t, session, '/user/info/person', { jtime: '2026-12-31,2026-12-01' });
    expect(legacy.body).toEqual({ res: 0, err: '结束时间不能早于开始时间', data: '' });
  });

  it('states the cap of a registered capital in 万元, as the client sends it', async () => {
    const session = await loginBySms(t);
    // The cap is 1e13 fen: 1e11 yuan, 1e7 万元. Before, the message gave it in yuan.
    const refused = await post(t, session, '/user/info/geti', { name: '某店', zhiben: '20000000' });
    expect(refused.body).toEqual({ res: 0, err: '注册资本不能大于10000000', data: '' });
    expect((await post(t, session, '/user/info/geti', { name: '某店', zhiben: '10000000' })).body.res).toBe(
      1,
    );
  });

  it('reads back a capital set in fen through the typed API, and takes it again as the client sends it back', async () => {
    const session = await loginBySms(t);
    const client = createClient({ url: await listen(t), token: session.token });
    await client.account.submitIndividualBusinessVerification.mutate({
      name: '某店',
      registeredCapitalFen: 12_345,
    });
    const shown = (await info(t, session)).geti;
    expect(shown?.zhiben).toBe(0.012345);
    // The client's form posts the record it read, unchanged: before, six decimals of 万元 were refused
    // (注册资本格式错误) and the old app could not save its form until the capital was retyped.
    const resent = await post(t, session, '/user/info/geti', { name: shown?.name, zhiben: shown?.zhiben });
    expect(resent.body).toMatchObject({ res: 1, data: { zhiben: 0.012345 } });
    expect((await client.account.getMyVerifications.query()).individualBusiness?.registeredCapitalFen).toBe(
      12_345,
    );
    // Below a fen is no amount of money.
    const tooFine = await post(t, session, '/user/info/geti', { name: '某店', zhiben: '0.0000001' });
    expect(tooFine.body).toEqual({ res: 0, err: '注册资本格式错误', data: '' });
  });
});
