import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, uploadImage } from '../features/account/account-fixtures.js';
import { runAdmin } from '../support/admin-cli.js';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { type Encoding, legacyGet, legacyPost } from '../support/legacy-client.js';
import {
  apply,
  approveDemand,
  credit,
  fundAndPay,
  legacyCalls,
  postDemand,
  type Session,
  uploadFile,
} from '../support/marketplace-flow.js';
import { samplePng } from '../support/sample-files.js';
import { randomPhone, startTestApp, type TestApp } from '../support/test-app.js';
import { postFile } from '../support/upload-client.js';

/**
 * CONTRACT.md read line by line: the statements no other suite pinned, each a row of a table, so a
 * change to any of them shows up as the line it breaks.
 */
describe.each(backends)('the legacy contract, line by line ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  const { post, okData } = legacyCalls(() => t);

  describe('§4 lists use the ThinkPHP paginator: 15 rows by default, `page` selects, `limit` up to 100', () => {
    let owner: Session;
    let worker: Session;
    beforeAll(async () => {
      owner = await loginBySms(t, undefined, 2);
      worker = await loginBySms(t, undefined, 1);
      for (const price of ['10', '20']) {
        const id = await postDemand(t, owner, { price });
        await approveDemand(t, id);
        await apply(t, worker, id);
        await credit(t, owner, price);
      }
      const recharges = (await okData('/user/pay_log/index', owner)).data as Array<{ id: number }>;
      await okData('/user/bill_log/add', owner, { inverst_id: recharges.map((r) => r.id) });
      const resume: Record<string, Record<string, unknown>> = {
        user_person_des: {
          name: '预约小程序',
          type: '小程序',
          link: '',
          key: '预约',
          des: '后台',
          z: '前端',
        },
        user_person_ji: { name: 'TypeScript', fen: 4 },
        user_person_job: { begin: '2020-01-01', end: '2021-01-01', company: '某公司', job: '工程师' },
        user_person_edu: {
          begin: '2016-09-01',
          end: '2020-06-30',
          school: '某大学',
          job: '软件工程',
          li: '本科',
        },
      };
      for (const [list, fields] of Object.entries(resume)) {
        await okData(`/user/${list}/add`, worker, fields);
        await okData(`/user/${list}/add`, worker, fields);
      }
    });

    const lists: ReadonlyArray<readonly [string, 'owner' | 'worker' | 'anyone']> = [
      ['/index/goods/index', 'anyone'],
      ['/user/goods/index', 'owner'],
      ['/user/goods_order/index', 'worker'],
      ['/user/pay_log/index', 'owner'],
      ['/user/invest_log/index', 'owner'],
      ['/user/bill_log/index', 'owner'],
      ['/user/user_person_des/index', 'worker'],
      ['/user/user_person_ji/index', 'worker'],
      ['/user/user_person_job/index', 'worker'],
      ['/user/user_person_edu/index', 'worker'],
    ];
    const ask = (path: string, who: 'owner' | 'worker' | 'anyone', fields: Record<string, unknown>) =>
      who === 'anyone'
        ? legacyPost(t.app, path, fields)
        : post(path, who === 'owner' ? owner : worker, fields);

    it.each(lists)('%s', async (path, who) => {
      const first = await ask(path, who, {});
      expect(first.body).toMatchObject({ res: 1, err: '' });
      const page = first.body.data as Record<string, unknown>;
      expect(Object.keys(page).sort()).toEqual(['current_page', 'data', 'last_page', 'per_page', 'total']);
      expect(page).toMatchObject({ per_page: 15, current_page: 1 });
      expect(page.total as number).toBeGreaterThanOrEqual(2);
      expect(page.last_page).toBe(Math.ceil((page.total as number) / 15));

      const second = (await ask(path, who, { page: '2', limit: '1' })).body.data as Record<string, unknown>;
      expect(second).toMatchObject({
        per_page: 1,
        current_page: 2,
        total: page.total,
        last_page: page.total,
      });
      expect((second.data as Array<{ id: number }>).map((r) => r.id)).toEqual([
        (page.data as Array<{ id: number }>)[1]?.id,
      ]);

      expect((await ask(path, who, { limit: 100 })).body.data).toMatchObject({ per_page: 100 });
      expect((await ask(path, who, { limit: 101 })).body).toEqual({
        res: 0,
        err: '每页条数不能大于100',
        data: '',
      });
    });
  });

  describe('§4 an empty list is still the paginator: total 0, on page 1 of 1', () => {
    const own = [
      '/user/goods/index',
      '/user/goods_order/index',
      '/user/pay_log/index',
      '/user/invest_log/index',
      '/user/bill_log/index',
      '/user/user_person_des/index',
      '/user/user_person_ji/index',
      '/user/user_person_job/index',
      '/user/user_person_edu/index',
    ];
    it.each(own)('%s', async (path) => {
      const newcomer = await loginBySms(t);
      expect((await post(path, newcomer)).body).toEqual({
        res: 1,
        err: '',
        data: { total: 0, per_page: 15, current_page: 1, last_page: 1, data: [] },
      });
    });
  });

  describe('§5 what `data` is on success', () => {
    it('answers "" for the SMS, logout and password-reset routes, {user_id, token} for both logins', async () => {
      const phone = randomPhone();
      const sms = await legacyPost(t.app, '/index/api/sms', { phone });
      expect(sms.body).toEqual({ res: 1, err: '', data: '' });
      const login = await legacyPost(t.app, '/index/api/loginphone', {
        phone,
        smscode: t.sms.lastCodeFor(phone),
      });
      expect(login.body).toEqual({
        res: 1,
        err: '',
        data: { user_id: expect.any(Number), token: expect.any(String) },
      });
      const { user_id: userId } = login.body.data as { user_id: number; token: string };
      t.clock.advance(120_000);
      await legacyPost(t.app, '/index/api/sms', { phone });
      const reset = await legacyPost(t.app, '/index/api/getpwd', {
        code: t.sms.lastCodeFor(phone),
        user_id: String(userId),
        newpwd: 'new-pass-17',
      });
      expect(reset.body).toEqual({ res: 1, err: '', data: '' });
      const byPassword = await legacyPost(t.app, '/index/api/loginpassword', {
        phone,
        password: 'new-pass-17',
      });
      expect(byPassword.body).toEqual({
        res: 1,
        err: '',
        data: { user_id: userId, token: expect.any(String) },
      });
      const { token } = byPassword.body.data as { token: string };
      expect((await legacyPost(t.app, '/index/api/loginout', { id: String(userId), token })).body).toEqual({
        res: 1,
        err: '',
        data: '',
      });
      expect((await post('/user/info/info', { userId, token, phone })).body.err).toBe('没有登录或状态过期');
    });

    it.each([
      ['/index/api/file_upload', false],
      ['/user/api/file_upload', true],
    ] as const)(
      '%s answers {id, url, time}, url a dated path on this service served by GET',
      async (path, member) => {
        const session = await loginBySms(t);
        const answer = await postFile(t.app, path, {
          content: samplePng(),
          filename: 'photo.png',
          fields: member ? checkFields(session) : {},
        });
        expect(answer.body).toEqual({
          res: 1,
          err: '',
          data: {
            id: expect.any(Number),
            url: expect.stringMatching(/^\/uploads\/\d{4}\/\d{2}\/\d{2}\/[^/]+\.png$/),
            time: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
          },
        });
        const served = await t.app.inject({ method: 'GET', url: (answer.body.data as { url: string }).url });
        expect(served.statusCode).toBe(200);
        expect(served.headers['content-type']).toBe('image/png');
      },
    );

    it('answers {id} for a new demand, which starts 未审核, 未支付, 未结算 with order_id ""', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const id = await postDemand(t, owner);
      expect(await okData('/user/goods/info', owner, { id })).toMatchObject({
        id,
        show: '未审核',
        pay: '未支付',
        suan: '未结算',
        order_id: '',
      });
    });
  });

  describe('§5 verification records: upserts, and what sends them back to review', () => {
    const approve = (session: Session, kind: 'person' | 'company' | 'geti') =>
      runAdmin(t, 'review-verification', { 'user-id': String(session.userId), kind, approve: true });
    const stateOf = async (session: Session, kind: 'person' | 'company' | 'geti') => {
      const info = (await okData('/user/info/info', session)) as Record<
        string,
        Record<string, unknown> | string
      >;
      return [info.userstate, (info[kind] as Record<string, unknown>).state];
    };

    it('person: the wizard re-sending the signed URLs it read, hours after they expired, keeps the review', async () => {
      const person = await loginBySms(t, undefined, 1);
      const front = await uploadImage(t, person);
      const back = await uploadImage(t, person);
      const code = idNumber();
      await okData('/user/info/person', person, { name: '韩梅梅', code, pic: front.url, picf: back.url });
      await approve(person, 'person');
      const read = (await okData('/user/info/info', person)) as Record<string, string>;
      t.clock.advance(6 * 3600_000);
      const wizard = { name: '韩梅梅', code, pic: read.pic, picf: read.picf, job: 'IT互联网', money: '350' };
      expect(await okData('/user/info/person', person, wizard)).toMatchObject({ state: '通过', money: 350 });
      expect(await stateOf(person, 'person')).toEqual(['已认证', '通过']);
    });

    it('company: any submission goes back to 未审核, and the user to 未认证', async () => {
      const company = await loginBySms(t, undefined, 2);
      const [license, front, back] = [
        await uploadImage(t, company),
        await uploadImage(t, company),
        await uploadImage(t, company),
      ];
      const fields = {
        name: '深圳某科技有限公司',
        type: '软件',
        pic: license.url,
        pro: '广东省',
        city: '深圳市',
        addressdtail: '南山区科技园',
        year: '5',
        faren_name: '王五',
        faren_z: front.url,
        faren_f: back.url,
      };
      expect(await okData('/user/info/company', company, fields)).toMatchObject({
        state: '未审核',
        address: '南山区科技园',
      });
      await approve(company, 'company');
      expect(await stateOf(company, 'company')).toEqual(['已认证', '通过']);
      expect(await okData('/user/info/company', company, fields)).toMatchObject({ state: '未审核' });
      expect(await stateOf(company, 'company')).toEqual(['未认证', '未审核']);
    });

    it('geti: partners are replaced by the list sent, fanwen read under either spelling', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const partner = (name: string) => ({ hehuoren_name: name, hehuoren_code: idNumber() });
      const fields = {
        name: '某某便利店',
        zhusuo: ['广东省', '深圳市'],
        jingying: '南山区',
        youbian: '518000',
        shouji: '13800000000',
        zhiben: '10.5',
        leixing: '个体工商户',
        hesuan: '独立核算',
        renshu: '3',
        hangye: '零售',
        faren_name: '赵六',
        faren_code: idNumber(),
      };
      const [a, b, c] = [partner('甲'), partner('乙'), partner('丙')];
      expect(
        await okData('/user/info/geti', owner, { ...fields, fangwen: '日用品', hehuo: [a, b] }),
      ).toMatchObject({
        zhusuo: '广东省,深圳市',
        zhiben: 10.5,
        hesuan: '独立核算',
        fanwen: '日用品',
        hehuo: [a, b],
      });
      expect(await okData('/user/info/geti', owner, { ...fields, fanwen: '食品', hehuo: [c] })).toMatchObject(
        {
          fanwen: '食品',
          hehuo: [c],
        },
      );
      expect((await okData('/user/info/info', owner)).geti).toMatchObject({ fanwen: '食品', hehuo: [c] });
    });
  });

  describe('§1, §2: every route of §5 answers POST and GET; every /user route without a login answers 没有登录或状态过期', () => {
    const resume = ['des', 'ji', 'job', 'edu'].flatMap((list) =>
      ['add', 'edit', 'del', 'index', 'all'].map((action) => `/user/user_person_${list}/${action}`),
    );
    const member = [
      '/user/info/info',
      '/user/info/edit',
      '/user/info/editpassword',
      '/user/info/person',
      '/user/info/company',
      '/user/info/geti',
      '/user/pay_log/index',
      '/user/invest_log/index',
      '/user/bill_log/index',
      '/user/bill_log/add',
      ...resume,
      '/user/goods/add',
      '/user/goods/edit',
      '/user/goods/info',
      '/user/goods/index',
      '/user/goods/del',
      '/user/goods/delfile',
      '/user/goods/goodspay',
      '/user/goods/ok',
      '/user/goods/pay',
      '/user/goods_order/add',
      '/user/goods_order/isadd',
      '/user/goods_order/index',
      '/user/goods_order/info',
      '/user/goods_order/ok',
      '/user/goods_order/del',
      '/user/api/file_upload',
    ];
    it.each(member)('%s', async (path) => {
      const stale = { user_id_check: '1', token_check: 'not-a-live-token' };
      for (const answer of [
        await legacyPost(t.app, path, {}),
        await legacyPost(t.app, path, stale, 'form'),
        await legacyGet(t.app, path, stale),
      ]) {
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({ res: 0, err: '没有登录或状态过期', data: '' });
      }
    });

    const open = [
      '/index/api/sms',
      '/index/api/loginphone',
      '/index/api/loginpassword',
      '/index/api/loginout',
      '/index/api/getpwd',
      '/index/api/file_upload',
      '/index/goods/index',
      '/index/goods/goodsinfo',
    ];
    it.each(open)('%s', async (path) => {
      for (const answer of [await legacyPost(t.app, path, {}), await legacyGet(t.app, path, {})]) {
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ res: expect.any(Number), err: expect.any(String) });
        if (answer.body.res === 0) {
          expect(answer.body.err).toMatch(/[\u4e00-\u9fa5]/);
          expect(answer.body.data).toBe('');
        }
      }
    });
  });

  describe('§3 no debug back door: a query flag never logs anyone in', () => {
    const flags = [
      'debug=1',
      'test=1',
      'dev=1',
      'admin=1',
      'uid=1',
      'user_id=1',
      'login=1',
      'debug=true&uid=1',
    ];
    it.each(flags)('?%s', async (flag) => {
      const session = await loginBySms(t);
      for (const [method, url, payload] of [
        ['GET', `/user/info/info?${flag}`, undefined],
        ['GET', `/user/info/info?${flag}&user_id_check=${session.userId}`, undefined],
        ['POST', `/user/info/info?${flag}`, { user_id_check: String(session.userId) }],
        ['POST', `/user/info/info?${flag}`, { user_id_check: String(session.userId), token_check: '' }],
      ] as const) {
        const answer = await t.app.inject({ method, url, ...(payload ? { payload } : {}) });
        expect(answer.statusCode, url).toBe(200);
        expect(answer.json(), url).toEqual({ res: 0, err: '没有登录或状态过期', data: '' });
      }
    });
  });

  describe('§1 Access-Control-Allow-Origin defaults to *', () => {
    it('on a success, a refusal, an unknown path and a preflight', async () => {
      const headers = { origin: 'http://deployed.example' };
      const answers = [
        await t.app.inject({ method: 'GET', url: '/index/goods/index', headers }),
        await t.app.inject({ method: 'POST', url: '/user/info/info', headers }),
        await t.app.inject({ method: 'POST', url: '/user/no/such', headers }),
        await t.app.inject({
          method: 'OPTIONS',
          url: '/user/info/info',
          headers: { ...headers, 'access-control-request-method': 'POST' },
        }),
      ];
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 404, 204]);
      for (const answer of answers) expect(answer.headers['access-control-allow-origin']).toBe('*');
    });
  });

  describe('§4 dates: YYYY-MM-DD HH:mm:ss, 24-hour, in the display zone (default Asia/Shanghai)', () => {
    const zones: ReadonlyArray<readonly [string, Record<string, string>]> = [
      ['Asia/Shanghai', {}],
      ['UTC', { TZ_DISPLAY: 'UTC' }],
      ['America/New_York', { TZ_DISPLAY: 'America/New_York' }],
    ];
    it.each(zones)('%s', async (zone, env) => {
      const zoned = zone === 'Asia/Shanghai' ? t : await startTestApp(backend, env);
      try {
        const owner = await loginBySms(zoned, undefined, 2);
        const wall = (ms: number) =>
          new Intl.DateTimeFormat('sv-SE', {
            timeZone: zone,
            hourCycle: 'h23',
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
          }).format(new Date(ms));
        const id = await postDemand(zoned, owner, { timeb: '2026-12-01 18:30:00', timee: '1798732800' });
        const info = (await legacyPost(zoned.app, '/user/goods/info', { ...checkFields(owner), id })).body
          .data as Record<string, string>;
        expect(info.timeb).toBe('2026-12-01 18:30:00');
        expect(info.timee).toBe(wall(1798732800_000));
        expect(info.time).toBe(wall(zoned.clock.now() - (zoned.clock.now() % 1000)));
        expect(info.time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      } finally {
        if (zoned !== t) await zoned.close();
      }
    });
  });

  describe('§4 id lists: "2,5,7", a single id, or an array', () => {
    const forms: ReadonlyArray<
      readonly [string, Encoding | 'get', (first: number, second: number) => unknown, string]
    > = [
      ['comma-joined, JSON', 'json', (a, b) => `${a},${b}`, 'both'],
      ['array, JSON', 'json', (a, b) => [a, b], 'both'],
      ['array of strings, JSON', 'json', (a, b) => [String(a), String(b)], 'both'],
      ['single number, JSON', 'json', (a) => a, 'first'],
      ['comma-joined, form', 'form', (a, b) => `${a},${b}`, 'both'],
      ['a[] array, form', 'form', (a, b) => [a, b], 'both'],
      ['a[] array, multipart', 'multipart', (a, b) => [a, b], 'both'],
      ['a[] array, GET query', 'get', (a, b) => [a, b], 'both'],
    ];

    it.each(forms)('order_id in /user/goods/ok: %s', async (_what, encoding, value, selects) => {
      const owner = await loginBySms(t, undefined, 2);
      const id = await postDemand(t, owner, { price: '10' });
      await approveDemand(t, id);
      const first = await apply(t, await loginBySms(t), id);
      const second = await apply(t, await loginBySms(t), id);
      await fundAndPay(t, owner, id, '10');
      const fields = { ...checkFields(owner), goods_id: String(id), order_id: value(first, second) };
      const answer =
        encoding === 'get'
          ? await legacyGet(t.app, '/user/goods/ok', fields)
          : await legacyPost(t.app, '/user/goods/ok', fields, encoding);
      expect(answer.body).toMatchObject({ res: 1, err: '' });
      expect(await okData('/user/goods/info', owner, { id })).toMatchObject({
        order_id: selects === 'both' ? `${first},${second}` : String(first),
      });
    });

    it.each(forms)('inverst_id in /user/bill_log/add: %s', async (_what, encoding, value, selects) => {
      const payer = await loginBySms(t);
      await credit(t, payer, '10');
      await credit(t, payer, '20');
      const [second, first] = (
        (await okData('/user/pay_log/index', payer)).data as Array<{ id: number }>
      ).map((r) => r.id) as [number, number];
      const fields = { ...checkFields(payer), inverst_id: value(first, second) };
      const answer =
        encoding === 'get'
          ? await legacyGet(t.app, '/user/bill_log/add', fields)
          : await legacyPost(t.app, '/user/bill_log/add', fields, encoding);
      expect(answer.body).toMatchObject({ res: 1, err: '' });
      const invoices = (await okData('/user/bill_log/index', payer)).data as Array<{ inverst_id: number }>;
      expect(invoices.map((r) => r.inverst_id).sort()).toEqual(
        selects === 'both' ? [first, second].sort() : [first],
      );
    });
  });

  describe('§4 money: yuan with at most 2 decimals, never negative, back as a JSON number', () => {
    const prices: ReadonlyArray<readonly [unknown, number | string]> = [
      ['100.5', 100.5],
      [100.5, 100.5],
      ['0.01', 0.01],
      ['1500.50', 1500.5],
      [' 12 ', 12],
      ['-1', '项目金额格式错误'],
      [-1, '项目金额必须大于0'],
      ['1.005', '项目金额格式错误'],
      ['1e3', '项目金额格式错误'],
      ['', '项目金额不能为空'],
    ];
    it.each(prices)('price %j', async (price, expected) => {
      const owner = await loginBySms(t, undefined, 2);
      const answer = await post('/user/goods/add', owner, {
        title: '数据录入',
        titletype: 1,
        price,
        pricetype: 1,
        address: '深圳',
        timeb: '2026-12-01',
        timee: '2026-12-02',
        des: '录入表格',
      });
      if (typeof expected === 'string') {
        expect(answer.body).toEqual({ res: 0, err: expected, data: '' });
        return;
      }
      const { id } = answer.body.data as { id: number };
      expect((await okData('/user/goods/info', owner, { id })).price).toBe(expected);
    });
  });

  describe('§4 cascader fields arriving as arrays are joined with ","', () => {
    const encodings: readonly Encoding[] = ['json', 'form', 'multipart'];
    it.each(encodings)('address of /user/info/edit and /user/goods/add, %s', async (encoding) => {
      const owner = await loginBySms(t, undefined, 2);
      const address = ['广东省', '深圳市', '南山区'];
      const edit = await legacyPost(t.app, '/user/info/edit', { ...checkFields(owner), address }, encoding);
      expect(edit.body).toEqual({ res: 1, err: '', data: '' });
      expect(await okData('/user/info/info', owner)).toMatchObject({ address: '广东省,深圳市,南山区' });
      const id = await postDemand(t, owner, { address }, encoding);
      expect(await okData('/user/goods/info', owner, { id })).toMatchObject({
        address: '广东省,深圳市,南山区',
      });
    });
  });

  describe('§5 public routes: login fields optional', () => {
    it('answers the public list and a reviewed demand whatever login fields come along, even stale ones', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const id = await postDemand(t, owner);
      await approveDemand(t, id);
      const stale = { user_id_check: String(owner.userId), token_check: 'logged-out-long-ago' };
      for (const login of [{}, stale, checkFields(owner)]) {
        const info = await legacyPost(t.app, '/index/goods/goodsinfo', { ...login, id: String(id) });
        expect(info.body, JSON.stringify(login)).toMatchObject({
          res: 1,
          data: { id, order_sum: 0, order_id: '', files: [] },
        });
        expect((await legacyPost(t.app, '/index/goods/index', login)).body.res).toBe(1);
      }
    });
  });

  describe('§5 who may apply: goods_order/isadd answers res 1 only when goods_order/add would take it', () => {
    it('refuses, with the same words, on an own, an unreviewed, a settled demand, and once applied', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const worker = await loginBySms(t, undefined, 1);
      const late = await loginBySms(t, undefined, 1);
      const id = await postDemand(t, owner, { price: '10' });
      /** isadd's answer, and add's when isadd says no (a "no" must be add's refusal word for word). */
      const both = async (who: Session) => {
        const may = (await post('/user/goods_order/isadd', who, { id })).body;
        if (may.res === 1) return { may, add: may };
        return { may, add: (await post('/user/goods_order/add', who, { goods_id: id, msg: '我来' })).body };
      };
      const unreviewed = await both(worker);
      expect(unreviewed).toEqual({ may: unreviewed.may, add: unreviewed.may });
      expect(unreviewed.may).toMatchObject({ res: 0 });
      await approveDemand(t, id);
      const own = await both(owner);
      expect(own).toEqual({
        may: { res: 0, err: '不能申请自己发布的需求', data: '' },
        add: { res: 0, err: '不能申请自己发布的需求', data: '' },
      });
      expect((await post('/user/goods_order/isadd', worker, { id })).body).toEqual({
        res: 1,
        err: '',
        data: '',
      });
      const application = await apply(t, worker, id);
      expect(await both(worker)).toEqual({
        may: { res: 0, err: '已经申请过该项目', data: '' },
        add: { res: 0, err: '已经申请过该项目', data: '' },
      });
      await fundAndPay(t, owner, id, '10');
      await okData('/user/goods/ok', owner, { goods_id: id, order_id: String(application) });
      const preview = await uploadFile(t, worker, samplePng(), 'preview.png');
      await okData('/user/goods_order/ok', worker, { id: application, over: preview, source: preview });
      await okData('/user/goods/pay', owner, { id: application, price: '' });
      expect(await okData('/user/goods/info', owner, { id })).toMatchObject({ suan: '已结算' });
      const settled = await both(late);
      expect(settled).toEqual({ may: settled.may, add: settled.may });
      expect(settled.may).toMatchObject({ res: 0 });
    });
  });
});
