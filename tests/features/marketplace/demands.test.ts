import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { encodings, legacyPost } from '../../support/legacy-client.js';
import {
  apply,
  approveDemand,
  demandFields,
  fundAndPay,
  postDemand,
  type Session,
  uploadFile,
} from '../../support/marketplace-flow.js';
import { samplePng } from '../../support/sample-files.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const notFound = { res: 0, err: '记录不存在', data: '' };

describe.each(backends)('demands over the legacy routes ($name)', (backend) => {
  let t: TestApp;
  let owner: Session;
  let other: Session;
  beforeAll(async () => {
    t = await startTestApp(backend);
    owner = await loginBySms(t, undefined, 2);
    other = await loginBySms(t, undefined, 1);
  });
  afterAll(() => t.close());

  describe.each(encodings)('with a %s body', (encoding) => {
    it('posts a demand the way the deployed client does and shows it back with labels', async () => {
      const id = await postDemand(t, owner, {}, encoding);
      const info = await legacyPost(
        t.app,
        '/user/goods/info',
        { ...checkFields(owner), id: String(id) },
        encoding,
      );
      expect(info.body.res).toBe(1);
      const data = info.body.data as Record<string, unknown>;
      expect(data).toMatchObject({
        id,
        uid: owner.userId,
        title: '微信小程序开发',
        titletype: '兼职',
        price: 1500.5,
        pricetype: '日结',
        address: '广东省,深圳市,南山区',
        timeb: '2026-12-01 00:00:00',
        timee: '2026-12-31 00:00:00',
        sort: '软件开发',
        des: '开发一个预约小程序，含后台',
        file: '',
        show: '未审核',
        pay: '未支付',
        suan: '未结算',
      });
      expect(data.goodsid).toMatch(/^\d{8}\d{8}$/);
      expect(String(data.goodsid).endsWith(String(id).padStart(8, '0'))).toBe(true);
      expect(data.time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    });
  });

  it('accepts numbers as numbers, unix seconds and ISO dates', async () => {
    const id = await postDemand(t, owner, {
      titletype: 2,
      price: 88,
      pricetype: 1,
      address: '北京市海淀区',
      timeb: 1798732800, // 2027-01-01 00:00:00 +08:00
      timee: '2027-01-31T04:00:00.000Z',
    });
    const info = await legacyPost(t.app, '/user/goods/info', { ...checkFields(owner), id });
    expect(info.body.data).toMatchObject({
      titletype: '全职',
      price: 88,
      pricetype: '月结',
      timeb: '2027-01-01 00:00:00',
      timee: '2027-01-31 12:00:00',
    });
  });

  it('refuses bad input on every field with a Chinese message, storing nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: '' }, '任务名称不能为空'],
      [{ title: '字' }, '任务名称不能少于2个字符'],
      [{ title: 'x'.repeat(101) }, '任务名称不能超过100个字符'],
      [{ title: 'a\u0000b' }, '任务名称格式错误'],
      [{ titletype: '4' }, '类型格式错误'],
      [{ titletype: undefined }, '类型不能为空'],
      [{ price: '-5' }, '项目金额格式错误'],
      [{ price: '0' }, '项目金额必须大于0'],
      [{ price: '10.005' }, '项目金额格式错误'],
      [{ price: 'abc' }, '项目金额格式错误'],
      [{ pricetype: 'x' }, '结算方式格式错误'],
      [{ address: '' }, '工作地点不能为空'],
      // A cascader left empty: its blank parts joined made a required address of ",".
      [{ address: ['', ''] }, '工作地点不能为空'],
      [{ timeb: 'yesterday' }, '工作时间起格式错误'],
      [{ timeb: '2026-02-31' }, '工作时间起格式错误'],
      [{ timee: undefined }, '工作时间止不能为空'],
      [{ timeb: '2026-12-31', timee: '2026-12-01' }, '结束时间不能早于开始时间'],
      [{ des: 'x'.repeat(5001) }, '详情不能超过5000个字符'],
      [{ des: { a: 1 } }, '详情格式错误'],
      [{ file: 'http://elsewhere.example/a.png' }, '文件无效，请使用本站上传的文件'],
      [{ file: '/uploads/2026/11/25/never-uploaded.png' }, '文件无效，请使用本站上传的文件'],
    ];
    const before = await legacyPost(t.app, '/user/goods/index', checkFields(owner));
    for (const [override, err] of cases) {
      const answer = await legacyPost(t.app, '/user/goods/add', {
        ...checkFields(owner),
        ...demandFields(override),
      });
      expect(answer.body, JSON.stringify(override).slice(0, 80)).toEqual({ res: 0, err, data: '' });
    }
    const after = await legacyPost(t.app, '/user/goods/index', checkFields(owner));
    expect((after.body.data as { total: number }).total).toBe((before.body.data as { total: number }).total);
  });

  it('lets only the owner read, edit, delete and remove files, until paid', async () => {
    const id = await postDemand(t, owner);
    const asOther = { ...checkFields(other), id: String(id) };
    expect((await legacyPost(t.app, '/user/goods/info', asOther)).body).toEqual(notFound);
    expect(
      (await legacyPost(t.app, '/user/goods/edit', { ...asOther, ...demandFields({ title: '被改了' }) }))
        .body,
    ).toEqual(notFound);
    expect((await legacyPost(t.app, '/user/goods/del', asOther)).body).toEqual(notFound);
    expect((await legacyPost(t.app, '/user/goods/delfile', { ...checkFields(other), id: '1' })).body).toEqual(
      notFound,
    );
    const unchanged = await legacyPost(t.app, '/user/goods/info', { ...checkFields(owner), id });
    expect((unchanged.body.data as { title: string }).title).toBe('微信小程序开发');

    const edit = await legacyPost(t.app, '/user/goods/edit', {
      ...checkFields(owner),
      id: String(id),
      ...demandFields({ title: '改过的标题', price: '2000' }),
    });
    expect(edit.body).toEqual({ res: 1, err: '', data: '' });
    const edited = await legacyPost(t.app, '/user/goods/info', { ...checkFields(owner), id });
    expect(edited.body.data).toMatchObject({ title: '改过的标题', price: 2000, show: '未审核' });

    expect((await legacyPost(t.app, '/user/goods/del', { ...checkFields(owner), id })).body.res).toBe(1);
    expect((await legacyPost(t.app, '/user/goods/info', { ...checkFields(owner), id })).body).toEqual(
      notFound,
    );
  });

  it('keeps the files of a paid demand, telling its owner why, and nobody else that they exist', async () => {
    const url = await uploadFile(t, owner, samplePng(), 'brief.png');
    const id = await postDemand(t, owner, { file: url });
    const info = await legacyPost(t.app, '/user/goods/info', { ...checkFields(owner), id });
    const [file] = (info.body.data as { files: Array<{ id: number }> }).files;
    await fundAndPay(t, owner, id);
    const asOwner = await legacyPost(t.app, '/user/goods/delfile', { ...checkFields(owner), id: file?.id });
    expect(asOwner.body).toEqual({ res: 0, err: '需求已支付，不能修改', data: '' });
    const asOther = await legacyPost(t.app, '/user/goods/delfile', { ...checkFields(other), id: file?.id });
    expect(asOther.body).toEqual(notFound);
    const after = await legacyPost(t.app, '/user/goods/info', { ...checkFields(owner), id });
    expect((after.body.data as { files: unknown[] }).files).toHaveLength(1);
  });

  it('refuses to delete a demand with a selected applicant', async () => {
    const id = await postDemand(t, owner);
    await approveDemand(t, id);
    const applicationId = await apply(t, other, id);
    await fundAndPay(t, owner, id);
    const ok = await legacyPost(t.app, '/user/goods/ok', {
      ...checkFields(owner),
      goods_id: String(id),
      order_id: String(applicationId),
    });
    expect(ok.body.res).toBe(1);
    const del = await legacyPost(t.app, '/user/goods/del', { ...checkFields(owner), id });
    expect(del.body).toEqual({ res: 0, err: '需求已支付、已结算或已选定接单人，不能删除', data: '' });
    const edit = await legacyPost(t.app, '/user/goods/edit', {
      ...checkFields(owner),
      id,
      ...demandFields(),
    });
    expect(edit.body).toEqual({ res: 0, err: '需求已支付，不能修改', data: '' });
  });

  it('lists the owner demands with filters, pagination and embedded applications', async () => {
    const seller = await loginBySms(t, undefined, 2);
    const ids: number[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(await postDemand(t, seller, { title: `数据标注任务${i}`, titletype: i % 2 ? '2' : '1' }));
    ids.push(await postDemand(t, seller, { title: '100%_折扣设计' }));
    await approveDemand(t, ids[0] as number);
    const applicationId = await apply(t, other, ids[0] as number, '我来');

    const list = async (filters: Record<string, unknown>) =>
      (await legacyPost(t.app, '/user/goods/index', { ...checkFields(seller), ...filters })).body.data as {
        total: number;
        per_page: number;
        current_page: number;
        last_page: number;
        data: Array<Record<string, unknown>>;
      };

    const all = await list({});
    expect(all).toMatchObject({ total: 5, per_page: 15, current_page: 1, last_page: 1 });
    expect(all.data.map((d) => d.id)).toEqual([...ids].reverse());

    expect((await list({ title: '标注' })).total).toBe(4);
    expect((await list({ title: '100%_' })).total).toBe(1);
    expect((await list({ title: '%' })).total).toBe(1);
    expect((await list({ show: '1' })).total).toBe(1);
    expect((await list({ show: 0 })).total).toBe(4);
    expect((await list({ titletype: '2' })).total).toBe(2);
    expect((await list({ pay: '0', suan: '0' })).total).toBe(5);
    expect((await list({ pay: '1' })).total).toBe(0);
    const paged = await list({ limit: '2', page: '3' });
    expect(paged).toMatchObject({ total: 5, per_page: 2, current_page: 3, last_page: 3 });
    expect(paged.data.map((d) => d.id)).toEqual([ids[0]]);

    const withApplication = paged.data[0] as {
      order_id_list: Array<Record<string, unknown>>;
      order_id_ok: unknown;
    };
    expect(withApplication.order_id_list).toEqual([
      expect.objectContaining({
        id: applicationId,
        goods_id: ids[0],
        user_id: other.userId,
        phone: other.phone,
        msg: '我来',
        price: 0,
        pay: '未支付',
        state: '正常',
        ok: '未完结',
      }),
    ]);
    // Nobody selected: `""`, which the client reads as "not matched yet" (an empty array is truthy).
    expect(withApplication.order_id_ok).toBe('');
  });

  it('reports bad page fields', async () => {
    const answer = await legacyPost(t.app, '/user/goods/index', { ...checkFields(owner), limit: '101' });
    expect(answer.body).toEqual({ res: 0, err: '每页条数不能大于100', data: '' });
    // A page that is no page is the first, as ThinkPHP's paginator read it.
    for (const odd of ['0', 1.5, '1.5', -2]) {
      const page = await legacyPost(t.app, '/user/goods/index', { ...checkFields(owner), page: odd });
      expect(page.body, `page ${JSON.stringify(odd)}`).toMatchObject({ res: 1, data: { current_page: 1 } });
    }
    // A whole number past the last page allowed is refused however many digits it has: 17 digits
    // were once taken for no page at all, so page 1.
    const tooFar = await legacyPost(t.app, '/user/goods/index', { ...checkFields(owner), page: '1000001' });
    expect(tooFar.body).toMatchObject({ res: 0, data: '' });
    for (const far of ['10000000000000000', ' 99999999999999999999 ', 1e21, '9'.repeat(400)]) {
      const page = await legacyPost(t.app, '/user/goods/index', { ...checkFields(owner), page: far });
      expect(page.body, `page ${JSON.stringify(far)}`).toEqual(tooFar.body);
    }
  });
});
