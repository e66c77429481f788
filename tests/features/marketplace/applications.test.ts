import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isAppError } from '../../../client-sdk/index.js';
import { insertApplicationsKeepingIds } from '../../../server/src/features/applications/application.repository.js';
import { appCodeOf } from '../../support/app-codes.js';
import { adminSession, checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import {
  apply,
  approveDemand,
  demandFields,
  fundAndPay,
  postDemand,
  rejectDemand,
  type Session,
  uploadFile,
} from '../../support/marketplace-flow.js';
import { sampleZip } from '../../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';

const notFound = { res: 0, err: '记录不存在', data: '' };

describe.each(backends)('applications, selection and delivery ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  let owner: Session;
  let alice: Session;
  let bob: Session;
  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await listen(t);
    owner = await loginBySms(t, undefined, 2);
    alice = await loginBySms(t, undefined, 1);
    bob = await loginBySms(t, undefined, 1);
  });
  afterAll(() => t.close());

  const post = (path: string, session: Session, fields: Record<string, unknown> = {}) =>
    legacyPost(t.app, path, { ...checkFields(session), ...fields });

  it('runs the whole flow: review, apply, select, deliver, with the states the client reads', async () => {
    const demandId = await postDemand(t, owner);
    // Unreviewed: not public, and so not found when asked whether one may apply.
    const publicBefore = await legacyPost(t.app, '/index/goods/goodsinfo', { id: String(demandId) });
    expect(publicBefore.body).toEqual(notFound);
    expect((await post('/user/goods_order/isadd', alice, { id: String(demandId) })).body).toEqual(notFound);

    await approveDemand(t, demandId);
    const detail = await legacyPost(t.app, '/index/goods/goodsinfo', { id: String(demandId) });
    expect(detail.body.data).toMatchObject({
      id: demandId,
      show: '已审核',
      order_sum: 0,
      companyinfo: null,
      files: [],
    });
    expect(JSON.stringify(detail.body.data)).not.toContain(owner.phone);

    expect((await post('/user/goods_order/isadd', alice, { id: String(demandId) })).body).toEqual({
      res: 1,
      err: '',
      data: '',
    });
    const aliceApplication = await apply(t, alice, demandId, '我可以做');
    const bobApplication = await apply(t, bob, demandId, '我也可以');
    expect((await post('/user/goods_order/isadd', alice, { id: demandId })).body).toEqual({
      res: 0,
      err: '已经申请过该项目',
      data: '',
    });
    expect((await post('/user/goods_order/add', alice, { goods_id: demandId, msg: 'again' })).body.err).toBe(
      '已经申请过该项目',
    );
    expect((await post('/user/goods_order/add', owner, { goods_id: demandId, msg: 'mine' })).body.err).toBe(
      '不能申请自己发布的需求',
    );
    expect((await legacyPost(t.app, '/index/goods/goodsinfo', { id: demandId })).body.data).toMatchObject({
      order_sum: 2,
    });

    // Delivery before selection is refused.
    expect(
      (await post('/user/goods_order/ok', alice, { id: aliceApplication, over: '', source: 'x' })).body.res,
    ).toBe(0);

    const unpaid = await post('/user/goods/ok', owner, {
      goods_id: demandId,
      order_id: `${aliceApplication}`,
    });
    expect(unpaid.body).toEqual({ res: 0, err: '需求未支付，不能选择接单人', data: '' });
    await fundAndPay(t, owner, demandId);
    const select = await post('/user/goods/ok', owner, {
      goods_id: String(demandId),
      order_id: `${aliceApplication}`,
    });
    expect(select.body).toEqual({ res: 1, err: '', data: { order_id: [aliceApplication] } });
    expect((await post('/user/goods_order/del', alice, { id: aliceApplication })).body).toEqual({
      res: 0,
      err: '已被选中，不能撤回申请',
      data: '',
    });
    expect((await post('/user/goods_order/info', alice, { id: aliceApplication })).body.data).toMatchObject({
      id: aliceApplication,
      state: '锁定',
      ok: '未完结',
      phone: alice.phone,
      goodsinfo: { id: demandId, title: '微信小程序开发', show: '已审核' },
    });
    // The result is one archive: several are refused by name, not cut to the first under res 1.
    const archives = [
      await uploadFile(t, alice, sampleZip('a.txt'), 'a.zip'),
      await uploadFile(t, alice, sampleZip('b.txt'), 'b.zip'),
    ];
    for (const source of [archives, archives.join(',')]) {
      expect((await post('/user/goods_order/ok', alice, { id: aliceApplication, source })).body).toEqual({
        res: 0,
        err: '成果稿件压缩包不能超过1条',
        data: '',
      });
    }
    const delivered = await post('/user/goods_order/ok', alice, {
      id: aliceApplication,
      source: [archives[1]],
    });
    expect(delivered.body.res).toBe(1);
    const withDelivery = await post('/user/goods_order/info', alice, { id: aliceApplication });
    expect((withDelivery.body.data as { source: string }).source).toBe(archives[1]);

    // Bob was not selected: he cannot deliver, and may withdraw.
    expect((await post('/user/goods_order/ok', bob, { id: bobApplication, source: 'x' })).body.res).toBe(0);
    expect((await post('/user/goods_order/del', bob, { id: bobApplication })).body).toEqual({
      res: 1,
      err: '',
      data: '',
    });

    const ownList = await post('/user/goods/index', owner, {});
    const row = (ownList.body.data as { data: Array<Record<string, unknown>> }).data.find(
      (d) => d.id === demandId,
    ) as {
      order_id_list: Array<{ id: number; phone: string; state: string }>;
      order_id_ok: Array<{ id: number }>;
    };
    expect(row.order_id_list.map((a) => a.id)).toEqual([aliceApplication]);
    expect(row.order_id_ok.map((a) => a.id)).toEqual([aliceApplication]);
    expect(row.order_id_list[0]).toMatchObject({ phone: alice.phone, state: '锁定' });

    const mine = await post('/user/goods_order/index', alice, {});
    expect(mine.body.data).toMatchObject({
      total: 1,
      data: [{ id: aliceApplication, goods: { id: demandId } }],
    });
  });

  it('refuses selections of another owner, of another demand and of unknown ids', async () => {
    const demandA = await postDemand(t, owner);
    const demandB = await postDemand(t, owner);
    await approveDemand(t, demandA);
    await approveDemand(t, demandB);
    const onA = await apply(t, alice, demandA);
    const onB = await apply(t, alice, demandB);
    await fundAndPay(t, owner, demandA);

    expect((await post('/user/goods/ok', bob, { goods_id: demandA, order_id: String(onA) })).body).toEqual(
      notFound,
    );
    const mixed = await post('/user/goods/ok', owner, { goods_id: demandA, order_id: `${onA},${onB}` });
    expect(mixed.body).toEqual({ res: 0, err: '所选申请不存在或不属于该需求', data: '' });
    const missing = await post('/user/goods/ok', owner, { goods_id: demandA, order_id: [onA, 99999999] });
    expect(missing.body.err).toBe('所选申请不存在或不属于该需求');
    expect((await post('/user/goods/ok', owner, { goods_id: demandA, order_id: 'x' })).body.err).toBe(
      '第1条：申请ID格式错误',
    );
    expect((await post('/user/goods/ok', owner, { goods_id: demandA, order_id: '' })).body.err).toBe(
      '申请ID不能为空',
    );
    // Nothing was selected by the refused calls.
    const info = await post('/user/goods_order/info', alice, { id: onA });
    expect((info.body.data as { state: string }).state).toBe('正常');
  });

  it('keeps other users out of applications', async () => {
    const demandId = await postDemand(t, owner);
    await approveDemand(t, demandId);
    const applicationId = await apply(t, alice, demandId);
    expect((await post('/user/goods_order/info', bob, { id: applicationId })).body).toEqual(notFound);
    expect((await post('/user/goods_order/del', bob, { id: applicationId })).body).toEqual(notFound);
    expect((await post('/user/goods_order/ok', bob, { id: applicationId, source: 'x' })).body).toEqual(
      notFound,
    );
    expect((await post('/user/goods_order/info', alice, { id: applicationId })).body.res).toBe(1);
  });

  it('answers about applying to a demand one may not see as about one that does not exist', async () => {
    const worker = createClient({ url, token: alice.token });
    const pending = await postDemand(t, owner);
    const rejected = await postDemand(t, owner);
    await rejectDemand(t, rejected);
    // Approved and applied to, then edited: back to review, with the application.
    const edited = await postDemand(t, owner);
    await approveDemand(t, edited);
    await apply(t, alice, edited);
    expect((await post('/user/goods/edit', owner, { id: edited, ...demandFields() })).body.res).toBe(1);

    for (const demandId of [pending, rejected, edited, 999_999_999]) {
      // What the detail answers her, whether the demand exists or not.
      expect((await post('/index/goods/goodsinfo', alice, { id: demandId })).body).toEqual(notFound);
      // Before: DEMAND_NOT_OPEN (ALREADY_APPLIED for the edited one), which told her it exists.
      expect(await appCodeOf(worker.applications.canApply.query({ demandId }))).toBe('NOT_FOUND');
      expect(await appCodeOf(worker.applications.submit.mutate({ demandId, message: '试试' }))).toBe(
        'NOT_FOUND',
      );
      expect((await post('/user/goods_order/isadd', alice, { id: demandId })).body).toEqual(notFound);
      expect((await post('/user/goods_order/add', alice, { goods_id: demandId, msg: '试试' })).body).toEqual(
        notFound,
      );
    }
    // Its owner sees it, and is told why not.
    const employer = createClient({ url, token: owner.token });
    expect(await employer.applications.canApply.query({ demandId: pending })).toEqual({
      canApply: false,
      reason: 'OWN_DEMAND',
    });
  });

  it('refuses the withdrawal of an imported application that is paid but not selected', async () => {
    const demandId = await postDemand(t, owner, { price: '100' });
    await approveDemand(t, demandId);
    await fundAndPay(t, owner, demandId, '100');
    const carol = await loginBySms(t);
    const db = t.stores.database.db;
    const now = t.clock.now();
    // As the import writes an old goods_order paid (pay = 1) that its demand's order_id does not list.
    await db.transaction().execute((tx) =>
      insertApplicationsKeepingIds(tx, [
        {
          demand_id: demandId,
          applicant_id: carol.userId,
          message: '旧系统的申请',
          files: '',
          selected: 0,
          delivered: 1,
          delivery_preview: '',
          delivery_source: '',
          paid: 1,
          allocated_fen: 4_000,
          paid_fen: 4_000,
          delivered_at: null,
          created_at: now,
          updated_at: now,
        },
      ]),
    );
    const { id: applicationId } = await db
      .selectFrom('applications')
      .select('id')
      .where('demand_id', '=', demandId)
      .where('applicant_id', '=', carol.userId)
      .executeTakeFirstOrThrow();

    // Before: deleted, and the payment's application with it.
    const worker = createClient({ url, token: carol.token });
    const refused = await worker.applications.withdraw.mutate({ applicationId }).catch((e: unknown) => e);
    expect(isAppError(refused, 'APPLICATION_ALREADY_PAID')).toBe(true);
    expect((await post('/user/goods_order/del', carol, { id: applicationId })).body).toEqual({
      res: 0,
      err: '该申请已付款',
      data: '',
    });
    expect(await worker.applications.getMine.query({ applicationId })).toMatchObject({
      paid: true,
      selected: false,
      paidFen: 4_000,
    });
    // Someone else's is still not found, paid or not.
    expect((await post('/user/goods_order/del', bob, { id: applicationId })).body).toEqual(notFound);
  });

  it('makes one row of concurrent duplicate applies', async () => {
    const demandId = await postDemand(t, owner);
    await approveDemand(t, demandId);
    const carol = await loginBySms(t);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        post('/user/goods_order/add', carol, { goods_id: demandId, msg: '并发申请' }),
      ),
    );
    expect(answers.filter((a) => a.body.res === 1)).toHaveLength(1);
    expect(answers.filter((a) => a.body.err === '已经申请过该项目')).toHaveLength(7);
    expect((await legacyPost(t.app, '/index/goods/goodsinfo', { id: demandId })).body.data).toMatchObject({
      order_sum: 1,
    });
  });

  it('lists only reviewed demands publicly, newest first, by kind, without phones', async () => {
    const poster = await loginBySms(t, undefined, 2);
    const fullTime = await postDemand(t, poster, { titletype: '2', title: '全职前端' });
    const partTime = await postDemand(t, poster, { titletype: '1', title: '兼职设计' });
    const hidden = await postDemand(t, poster, { titletype: '2', title: '未审核的' });
    await approveDemand(t, fullTime);
    await approveDemand(t, partTime);
    const list = await legacyPost(t.app, '/index/goods/index', { titletype: '2', limit: 100 });
    const rows = (list.body.data as { data: Array<{ id: number; titletype: string }> }).data;
    expect(rows.map((r) => r.id)).toContain(fullTime);
    expect(rows.map((r) => r.id)).not.toContain(partTime);
    expect(rows.map((r) => r.id)).not.toContain(hidden);
    expect(rows.every((r) => r.titletype === '全职')).toBe(true);
    const ids = rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(JSON.stringify(list.body.data)).not.toContain(poster.phone);
    // The owner may open their own unreviewed demand with login fields.
    expect((await legacyPost(t.app, '/index/goods/goodsinfo', { id: hidden })).body).toEqual(notFound);
    const own = await legacyPost(t.app, '/index/goods/goodsinfo', { id: hidden, ...checkFields(poster) });
    expect(own.body.data).toMatchObject({ id: hidden, show: '未审核' });
  });

  it('reviews through the admin procedures, with a reason the owner reads', async () => {
    const admin = createClient({ url, token: (await adminSession(t)).token });
    const demandId = await postDemand(t, owner, { title: '需要审核的需求' });
    // The queue is oldest first; other tests' demands may be ahead of this one.
    const { lastPage } = await admin.demands.awaitingReview.query({ perPage: 100 });
    const queue = await admin.demands.awaitingReview.query({ perPage: 100, page: lastPage });
    expect(queue.items.map((d) => d.id)).toContain(demandId);

    await admin.demands.review.mutate({ id: demandId, approve: false, reason: '描述不清楚' });
    const info = await post('/user/goods/info', owner, { id: demandId });
    expect(info.body.data).toMatchObject({ show: '未审核', reason: '描述不清楚' });
    const again = await admin.demands.review.mutate({ id: demandId, approve: true }).catch((e: unknown) => e);
    expect(isAppError(again, 'DEMAND_NOT_PENDING')).toBe(true);

    const asOwner = createClient({ url, token: owner.token });
    const refused = await asOwner.demands.review
      .mutate({ id: demandId, approve: true })
      .catch((e: unknown) => e);
    expect(isAppError(refused, 'ADMIN_ONLY')).toBe(true);
  });

  it('keeps no reason with an approval, which the owner would read as a rejection', async () => {
    const admin = createClient({ url, token: (await adminSession(t)).token });
    const demandId = await postDemand(t, owner, { title: '直接通过的需求' });
    await admin.demands.review.mutate({ id: demandId, approve: true, reason: '描述很清楚' });
    const info = await post('/user/goods/info', owner, { id: demandId });
    expect(info.body.data).toMatchObject({ show: '已审核', reason: '' });
  });

  it('serves the same flow through the typed client with real types', async () => {
    const employer = createClient({ url, token: owner.token });
    const worker = createClient({ url, token: alice.token });
    const created = await employer.demands.create.mutate({
      title: 'Typed demand',
      kind: 'fullTime',
      priceFen: 123_456,
      settlement: 'monthly',
      address: 'Shenzhen',
      workStart: new Date('2027-03-01T00:00:00+08:00'),
      workEnd: new Date('2027-03-31T00:00:00+08:00'),
      description: 'Typed all the way',
    });
    const own = await employer.demands.getMine.query({ id: created.id });
    expect(own).toMatchObject({ priceFen: 123_456, kind: 'fullTime', review: 'pending', paid: false });
    expect(own.workStart).toEqual(new Date('2027-03-01T00:00:00+08:00'));
    await approveDemand(t, created.id);
    const { id } = await worker.applications.submit.mutate({ demandId: created.id, message: 'typed apply' });
    await fundAndPay(t, owner, created.id, '1234.56');
    await employer.applications.select.mutate({ demandId: created.id, applicationIds: [id] });
    const mine = await worker.applications.getMine.query({ applicationId: id });
    expect(mine).toMatchObject({ selected: true, delivered: false, demand: { id: created.id } });
    const bad = await employer.demands.create
      .mutate({ ...own, workEnd: new Date('2027-02-01'), files: [] })
      .catch((e: unknown) => e);
    // Its own code, and the field as a form marks it, as the resume's periods answer it.
    expect(isAppError(bad, 'END_BEFORE_BEGIN') && bad.data.issues).toEqual([
      { path: ['workEnd'], message: 'The end is before the begin' },
    ]);
  });
});
