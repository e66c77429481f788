import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isAppError } from '../../client-sdk/index.js';
import { reviewCodes } from '../../server/src/review-states.js';
import { appCodeOf } from '../support/app-codes.js';
import { adminSession, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import {
  apply,
  approveDemand,
  credit,
  demandFields,
  fundAndPay,
  legacyCalls,
  postDemand,
  type Session,
  uploadFile,
} from '../support/marketplace-flow.js';
import { samplePng, sampleZip } from '../support/sample-files.js';
import { listen, randomPhone, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * What the deployed web client sends and reads, page by page (CONTRACT.md §4–5 as amended after
 * it was driven in a browser): the bodies below are the ones it posts.
 */
describe.each(backends)('the deployed web client ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await listen(t);
  });
  afterAll(() => t.close());

  const { post, okData } = legacyCalls(() => t);
  const balanceOf = async (session: Session) =>
    (await createClient({ url, token: session.token }).wallet.get.query()).balanceFen;

  async function deliver(applicant: Session, applicationId: number) {
    const over = await uploadFile(t, applicant, samplePng(), 'preview.png');
    const source = await uploadFile(t, applicant, sampleZip(), 'result.zip');
    await okData('/user/goods_order/ok', applicant, { id: applicationId, over, source });
  }

  /** A paid demand of `price` yuan with two applicants, nobody selected yet. */
  async function paidDemandWithTwoApplicants(price: string) {
    const owner = await loginBySms(t, undefined, 2);
    const alice = await loginBySms(t, undefined, 1);
    const bob = await loginBySms(t, undefined, 1);
    const demandId = await postDemand(t, owner, { price });
    await approveDemand(t, demandId);
    const first = await apply(t, alice, demandId);
    const second = await apply(t, bob, demandId);
    await fundAndPay(t, owner, demandId, price);
    return { owner, alice, bob, demandId, first, second };
  }

  /** The owner's list row of one demand, as `/user/goods/index` shows it. */
  async function ownRow(owner: Session, demandId: number) {
    const page = await okData('/user/goods/index', owner, { page: 1 });
    const row = (page.data as Array<Record<string, unknown>>).find((r) => r.id === demandId);
    if (!row) throw new Error(`demand ${demandId} not listed`);
    return row as Record<string, unknown> & {
      order_id_ok: '' | Array<Record<string, unknown>>;
      order_id_list: Array<Record<string, unknown>>;
    };
  }

  it('offers payment while nobody is selected, then pays each applicant their share', async () => {
    const { owner, alice, bob, demandId, first, second } = await paidDemandWithTwoApplicants('100.01');

    // Nobody selected: `order_id_ok` is "" (falsy, length 0), so the client offers to pay.
    const before = await ownRow(owner, demandId);
    expect(before.order_id_ok).toBe('');
    expect(before.order_id).toBe('');
    expect(before.order_id_list.map((a) => a.price)).toEqual([0, 0]);

    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: `${first},${second}` });

    // 100.01 over two: the earliest application gets the odd fen.
    const selected = await ownRow(owner, demandId);
    expect(selected.order_id).toBe(`${first},${second}`);
    expect(selected.order_id_ok).toEqual([
      expect.objectContaining({ id: first, price: 50.01, state: '锁定', pay: '未支付' }),
      expect.objectContaining({ id: second, price: 50, state: '锁定', pay: '未支付' }),
    ]);

    await deliver(alice, first);
    await deliver(bob, second);
    // The client has no amount box: it sends the row's `price`.
    const rows = (await ownRow(owner, demandId)).order_id_ok;
    for (const row of rows as Array<Record<string, unknown>>) {
      expect(await post('/user/goods/pay', owner, { id: row.id, price: row.price })).toMatchObject({
        body: { res: 1, err: '', data: '' },
      });
    }
    expect(await balanceOf(alice)).toBe(5001);
    expect(await balanceOf(bob)).toBe(5000);
    expect(await balanceOf(owner)).toBe(0);

    const settled = await ownRow(owner, demandId);
    expect(settled).toMatchObject({ suan: '已结算', order_id: `${first},${second}` });
    expect((settled.order_id_ok as Array<Record<string, unknown>>).map((a) => [a.price, a.pay])).toEqual([
      [50.01, '已支付'],
      [50, '已支付'],
    ]);
  });

  it('pays the share when price is 0, empty or absent, and an explicit price as given', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const workers = await Promise.all([1, 2, 3, 4].map(() => loginBySms(t, undefined, 1)));
    const demandId = await postDemand(t, owner, { price: '40' });
    await approveDemand(t, demandId);
    const ids = [];
    for (const worker of workers) ids.push(await apply(t, worker, demandId));
    await fundAndPay(t, owner, demandId, '40');
    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: ids.join(',') });
    for (const [i, worker] of workers.entries()) await deliver(worker, ids[i] as number);

    await okData('/user/goods/pay', owner, { id: ids[0], price: 0 });
    await okData('/user/goods/pay', owner, { id: ids[1], price: '' });
    await okData('/user/goods/pay', owner, { id: ids[2] });
    await okData('/user/goods/pay', owner, { id: ids[3], price: '2.5' });
    const balances = await Promise.all(workers.map(balanceOf));
    expect(balances).toEqual([1000, 1000, 1000, 250]);
    // What escrow kept of the last share went back to the owner on settlement.
    expect(await balanceOf(owner)).toBe(750);
    const paidRows = (await ownRow(owner, demandId)).order_id_ok as Array<Record<string, unknown>>;
    expect(paidRows.map((a) => a.price)).toEqual([10, 10, 10, 2.5]);
  });

  it('shares anew when the selection grows before any payout', async () => {
    const { owner, demandId, first, second } = await paidDemandWithTwoApplicants('100.01');
    const carol = await loginBySms(t, undefined, 1);
    const third = await apply(t, carol, demandId);
    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: first });
    expect((await ownRow(owner, demandId)).order_id_ok).toEqual([
      expect.objectContaining({ id: first, price: 100.01 }),
    ]);
    // Selecting an already selected applicant again changes nothing.
    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: [first] });
    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: [second, third] });
    const shares = ((await ownRow(owner, demandId)).order_id_ok as Array<Record<string, unknown>>).map(
      (a) => [a.id, a.price],
    );
    // 10001 fen over three: 3334, 3334, 3333; the shares add up to the price.
    expect(shares).toEqual([
      [first, 33.34],
      [second, 33.34],
      [third, 33.33],
    ]);
  });

  it('shows the typed allocation and pays the share through the SDK, a retry answering like the first', async () => {
    const { owner, alice, bob, demandId, first, second } = await paidDemandWithTwoApplicants('100.01');
    const api = createClient({ url, token: owner.token });
    await api.applications.select.mutate({ demandId, applicationIds: [first, second] });
    const page = await api.demands.listMine.query({ perPage: 100 });
    const mine = page.items.find((d) => d.id === demandId);
    expect(mine?.selectedApplicationIds).toEqual([first, second]);
    expect(mine?.applications.map((a) => [a.id, a.allocatedFen, a.paidFen])).toEqual([
      [first, 5001, 0],
      [second, 5000, 0],
    ]);
    await deliver(alice, first);
    await deliver(bob, second);

    const pay = { applicationId: first, idempotencyKey: 'share-payout-0001' };
    expect(await api.payments.payApplication.mutate(pay)).toEqual({
      paidFen: 5001,
      settled: false,
      refundedFen: 0,
    });
    expect(await api.payments.payApplication.mutate(pay)).toEqual({
      paidFen: 5001,
      settled: false,
      refundedFen: 0,
    });
    // The settling payout refunds what escrow kept; its retries answer the same refund, at once too.
    const settle = { applicationId: second, amountFen: 4000, idempotencyKey: 'share-payout-0002' };
    const answers = await Promise.all([1, 2, 3, 4].map(() => api.payments.payApplication.mutate(settle)));
    for (const answer of answers) expect(answer).toEqual({ paidFen: 4000, settled: true, refundedFen: 1000 });
    expect(await api.payments.payApplication.mutate(settle)).toEqual({
      paidFen: 4000,
      settled: true,
      refundedFen: 1000,
    });
    expect(await balanceOf(owner)).toBe(1000);
    expect(await balanceOf(bob)).toBe(4000);
    const third = await api.payments.payApplication
      .mutate({ applicationId: second })
      .catch((e: unknown) => e);
    expect(isAppError(third, 'APPLICATION_ALREADY_PAID')).toBe(true);
  });

  it('carries order_id on every demand output, for the older client’s 您已被选中', async () => {
    const { owner, alice, demandId, first } = await paidDemandWithTwoApplicants('30');
    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: first });
    const publicPage = await legacyPost(t.app, '/index/goods/index', { limit: 100 });
    const listed = (publicPage.body.data as { data: Array<Record<string, unknown>> }).data.find(
      (d) => d.id === demandId,
    );
    expect(listed?.order_id).toBe(String(first));
    expect((await legacyPost(t.app, '/index/goods/goodsinfo', { id: demandId })).body.data).toMatchObject({
      order_id: String(first),
    });
    expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({
      order_id: String(first),
    });
    expect(await okData('/user/goods_order/info', alice, { id: first })).toMatchObject({
      price: 30,
      state: '锁定',
      goodsinfo: { id: demandId, order_id: String(first) },
    });
    const mine = await okData('/user/goods_order/index', alice);
    expect((mine.data as Array<Record<string, unknown>>)[0]).toMatchObject({
      goods: { id: demandId, order_id: String(first) },
    });
  });

  it('treats a blank filter as no filter and accepts labels for every enumerated input', async () => {
    // Registering with the label the user picked instead of its code.
    const phone = randomPhone();
    await legacyPost(t.app, '/index/api/sms', { phone });
    const login = await legacyPost(t.app, '/index/api/loginphone', {
      phone,
      smscode: t.sms.lastCodeFor(phone),
      usertype: '企业用户',
    });
    const { user_id: userId, token } = login.body.data as { user_id: number; token: string };
    const company = { userId, token, phone };
    expect(await okData('/user/info/info', company)).toMatchObject({ usertype: '企业用户' });

    await credit(t, company, '10');
    await credit(t, company, '20');
    const [newest] = ((await okData('/user/pay_log/index', company)).data as Array<{ id: number }>) ?? [];
    await okData('/user/bill_log/add', company, { inverst_id: newest?.id });
    for (const path of ['/user/pay_log/index', '/user/invest_log/index']) {
      expect(await okData(path, company, { bill: ' ' }), path).toMatchObject({ total: 2 });
      expect(await okData(path, company, { bill: '' }), path).toMatchObject({ total: 2 });
      // A cleared multi-select sends an empty list: as blank as an empty box (CONTRACT.md §4).
      expect(await okData(path, company, { bill: [] }), path).toMatchObject({ total: 2 });
      // A list of one is that one value.
      expect(await okData(path, company, { bill: ['1'] }), path).toMatchObject({ total: 1 });
      expect(await okData(path, company, { bill: '已开票' }), path).toMatchObject({ total: 1 });
      expect(await okData(path, company, { bill: 0 }), path).toMatchObject({ total: 1 });
    }

    const id = await postDemand(t, company, { titletype: '全职', pricetype: '日结' });
    expect(await okData('/user/goods/info', company, { id })).toMatchObject({
      titletype: '全职',
      pricetype: '日结',
    });
    const blankFilters = { title: ' ', show: ' ', pay: '', suan: ' ', titletype: ' ', pricetype: '' };
    expect(await okData('/user/goods/index', company, blankFilters)).toMatchObject({ total: 1 });
    const emptyLists = { title: [], show: [], pay: [''], suan: [], titletype: [], pricetype: [' '] };
    expect(await okData('/user/goods/index', company, emptyLists)).toMatchObject({ total: 1 });
    const listsOfOne = { title: [' '], show: [0], pay: ['未支付'], titletype: ['全职'], pricetype: [''] };
    expect(await okData('/user/goods/index', company, listsOfOne)).toMatchObject({ total: 1 });
    expect(await okData('/user/goods/index', company, { titletype: ['兼职'] })).toMatchObject({ total: 0 });
    expect((await post('/user/goods/index', company, { pay: [0, 1] })).body).toMatchObject({ res: 0 });
    expect(await okData('/index/goods/index', company, { title: [], titletype: [] })).toMatchObject({
      current_page: 1,
    });
    const byLabel = { show: '未审核', pay: '未支付', suan: '未结算', titletype: '全职', pricetype: '日结' };
    expect(await okData('/user/goods/index', company, byLabel)).toMatchObject({ total: 1 });
    expect(await okData('/user/goods/index', company, { titletype: '兼职' })).toMatchObject({ total: 0 });
    expect((await post('/user/goods/index', company, { titletype: '临时工' })).body).toEqual({
      res: 0,
      err: '类型格式错误',
      data: '',
    });

    const shop = await okData('/user/info/geti', company, { name: '某某小店', hesuan: '独立核算' });
    expect(shop).toMatchObject({ hesuan: '独立核算' });
    expect(await okData('/user/info/geti', company, { hesuan: ' 非独立核算 ' })).toMatchObject({
      hesuan: '非独立核算',
    });
    expect(await okData('/user/info/geti', company, { hesuan: 1 })).toMatchObject({ hesuan: '非独立核算' });
  });

  it('answers a malformed multipart body with 400 and the envelope, logged without a stack', async () => {
    const session = await loginBySms(t);
    const bodies = [
      { type: 'multipart/form-data', body: 'x' },
      {
        type: 'multipart/form-data; boundary=zzz',
        body: '--zzz\r\ncontent-disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG\r\n',
      },
    ];
    const logged = t.logLines.length;
    for (const { type, body } of bodies) {
      for (const path of ['/user/info/edit', '/index/api/file_upload', '/user/api/file_upload']) {
        const answer = await t.app.inject({
          method: 'POST',
          url: `${path}?user_id_check=${session.userId}&token_check=${session.token}`,
          headers: { 'content-type': type },
          payload: body,
        });
        expect(answer.statusCode, `${path} ${type}`).toBe(400);
        expect(answer.json()).toEqual({ res: 0, err: '请求格式错误', data: '' });
      }
      const typed = await t.app.inject({
        method: 'POST',
        url: '/api/uploads',
        headers: { 'content-type': type, authorization: `Bearer ${session.token}` },
        payload: body,
      });
      expect(typed.statusCode).toBe(400);
      expect(typed.body).toContain('MALFORMED_REQUEST');
    }
    const lines = t.logLines.slice(logged).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => Number(line.level) >= 40)).toEqual([]);
    expect(lines.filter((line) => line.msg === 'bad request')).toHaveLength(8);
    expect(lines.some((line) => JSON.stringify(line).includes('stack'))).toBe(false);
  });

  it('keeps an approved identity when the resume wizard re-sends it with the work preferences', async () => {
    const person = await loginBySms(t, undefined, 1);
    const front = await uploadFile(t, person, samplePng(), 'front.png');
    const back = await uploadFile(t, person, samplePng(20), 'back.png');
    const identity = { name: '王五', code: '11010519491231002X', pic: front, picf: back };
    await okData('/user/info/person', person, identity);
    const admin = createClient({ url, token: (await adminSession(t)).token });
    await admin.account.reviewVerification.mutate({
      userId: person.userId,
      kind: 'person',
      decision: 'approve',
    });

    const wizard = { ...identity, job: 'IT互联网', jobname: 'Java工程师', money: '400', des: '五年经验' };
    expect(await okData('/user/info/person', person, wizard)).toMatchObject({ state: '通过', money: 400 });
    expect(await okData('/user/info/info', person)).toMatchObject({
      userstate: '已认证',
      person: { state: '通过' },
    });
    // The same through the typed API: preferences alone keep the review.
    const typed = createClient({ url, token: person.token });
    await typed.account.submitPersonVerification.mutate({ intro: '六年经验' });
    expect((await typed.account.getMyVerifications.query()).person?.status).toBe('approved');

    // A reviewed field that changes sends it back to review.
    expect(await okData('/user/info/person', person, { ...wizard, picf: front })).toMatchObject({
      state: '未审核',
    });
    expect(await okData('/user/info/info', person)).toMatchObject({ userstate: '未认证' });
  });

  /**
   * Money that a sequence of allowed calls used to leave in escrow for good: a share escrow no longer
   * covered, the price of a demand paid while awaiting review and then rejected, and the price of a
   * paid demand nobody was selected on, which only an operator can give back.
   */
  describe('escrow that can always leave', () => {
    /** The selected applications of the owner's row, as the client lists them to pay. */
    const payRows = async (owner: Session, demandId: number) =>
      (await ownRow(owner, demandId)).order_id_ok as Array<{ id: number; price: number; pay: string }>;
    /** A company's approved demand at `price` yuan with one person's application, and an admin client. */
    async function appliedDemand(price: string) {
      const owner = await loginBySms(t, undefined, 2);
      const alice = await loginBySms(t, undefined, 1);
      const admin = createClient({ url, token: (await adminSession(t)).token });
      const demandId = await postDemand(t, owner, { price });
      await approveDemand(t, demandId);
      const applicationId = await apply(t, alice, demandId);
      return { owner, admin, demandId, applicationId };
    }

    it('keeps the other shares payable by the client after an amount above a share was paid', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const alice = await loginBySms(t, undefined, 1);
      const bob = await loginBySms(t, undefined, 1);
      const carol = await loginBySms(t, undefined, 1);
      const demandId = await postDemand(t, owner, { price: '100' });
      await approveDemand(t, demandId);
      const ids = [
        await apply(t, alice, demandId),
        await apply(t, bob, demandId),
        await apply(t, carol, demandId),
      ];
      await credit(t, owner, '100');
      await okData('/user/goods/goodspay', owner, { id: demandId });
      await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: ids.join(',') });
      for (const [i, worker] of [alice, bob, carol].entries()) await deliver(worker, ids[i] as number);

      // Shares 33.34, 33.33, 33.33; another client pays Alice 80.01 of the 100 (allowed: escrow holds it).
      await okData('/user/goods/pay', owner, { id: ids[0], price: '80.01' });
      // The 19.99 left are shared anew between the two still to be paid, so the deployed client, which
      // pays the row's `price`, can pay them (before: 33.33 each, 付款金额超过托管余额 for ever, never settled).
      const rows = await payRows(owner, demandId);
      expect(rows.map((row) => [row.price, row.pay])).toEqual([
        [80.01, '已支付'],
        [10, '未支付'],
        [9.99, '未支付'],
      ]);
      for (const row of rows.slice(1))
        await okData('/user/goods/pay', owner, { id: row.id, price: row.price });

      expect(await ownRow(owner, demandId)).toMatchObject({ suan: '已结算' });
      expect(await Promise.all([alice, bob, carol, owner].map(balanceOf))).toEqual([8001, 1000, 999, 0]);
    });

    it('keeps shares escrow still covers after a payout below its share', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const alice = await loginBySms(t, undefined, 1);
      const bob = await loginBySms(t, undefined, 1);
      const demandId = await postDemand(t, owner, { price: '40' });
      await approveDemand(t, demandId);
      const ids = [await apply(t, alice, demandId), await apply(t, bob, demandId)];
      await credit(t, owner, '40');
      await okData('/user/goods/goodspay', owner, { id: demandId });
      await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: ids });
      await deliver(alice, ids[0] as number);
      await okData('/user/goods/pay', owner, { id: ids[0], price: '5' });
      expect((await payRows(owner, demandId)).map((row) => row.price)).toEqual([5, 20]);
    });

    it('gives a paid demand’s price back when it is rejected, so it can be edited and paid again', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const admin = createClient({ url, token: (await adminSession(t)).token });
      const demandId = await postDemand(t, owner, { price: '100' });
      await credit(t, owner, '100');
      // The client offers payment on a demand awaiting review.
      await okData('/user/goods/goodspay', owner, { id: demandId });
      expect(await balanceOf(owner)).toBe(0);

      await admin.demands.review.mutate({ id: demandId, approve: false, reason: '信息不全' });
      expect(await balanceOf(owner)).toBe(10_000);
      expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({
        show: '未审核',
        reason: '信息不全',
        pay: '未支付',
        suan: '未结算',
      });
      const ledger = await createClient({ url, token: owner.token }).wallet.entries.query({ perPage: 10 });
      expect(ledger.items.map((entry) => [entry.kind, entry.amountFen])).toEqual([
        ['refund', 10_000],
        ['escrow', -10_000],
        ['recharge', 10_000],
      ]);

      // Before: 需求已支付，不能修改, 需求已支付、已结算或已选定接单人，不能删除, and no review to come.
      await okData('/user/goods/edit', owner, { id: demandId, ...demandFields({ price: '90' }) });
      await okData('/user/goods/goodspay', owner, { id: demandId });
      expect(await balanceOf(owner)).toBe(1_000);
      await approveDemand(t, demandId);
      expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({
        show: '已审核',
        pay: '已经支付',
      });
    });

    it('takes no selection on a paid demand back in review after an edit, until it is approved', async () => {
      const { owner, admin, demandId, applicationId } = await appliedDemand('30');
      // Edited after approval (back to review), then paid: the applicant would be selected, and
      // paid, for text nobody has reviewed, and the demand could no longer be rejected.
      await okData('/user/goods/edit', owner, {
        id: demandId,
        ...demandFields({ price: '30', des: '改过的内容' }),
      });
      await credit(t, owner, '30');
      await okData('/user/goods/goodspay', owner, { id: demandId });
      expect(
        (await post('/user/goods/ok', owner, { goods_id: demandId, order_id: applicationId })).body,
      ).toEqual({
        res: 0,
        err: '需求修改后尚未通过审核，审核通过后才能选择接单人',
        data: '',
      });
      // A demand never reviewed has no applications at all: an id of another demand's is told so,
      // not that the demand was edited.
      const unreviewed = await postDemand(t, owner, { price: '10' });
      await credit(t, owner, '10');
      await okData('/user/goods/goodspay', owner, { id: unreviewed });
      expect(
        (await post('/user/goods/ok', owner, { goods_id: unreviewed, order_id: applicationId })).body,
      ).toEqual({ res: 0, err: '所选申请不存在或不属于该需求', data: '' });
      expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({
        show: '未审核',
        pay: '已经支付',
        order_id: '',
      });
      await admin.demands.review.mutate({ id: demandId, approve: true });
      await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: applicationId });
      expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({
        order_id: String(applicationId),
      });
    });

    it('refuses to reject a paid demand with selected applicants (an imported one), changing nothing', async () => {
      const { owner, admin, demandId, applicationId } = await appliedDemand('30');
      await credit(t, owner, '30');
      await okData('/user/goods/goodspay', owner, { id: demandId });
      await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: applicationId });
      // Back in review with its selection, as the import leaves an old backend's unreviewed row
      // (show 0) whose applicants were selected: the service itself never gets here.
      await t.stores.database.db
        .updateTable('demands')
        .set({ review_state: reviewCodes.pending })
        .where('id', '=', demandId)
        .execute();

      const refused = await admin.demands.review
        .mutate({ id: demandId, approve: false })
        .catch((error: unknown) => error);
      expect(isAppError(refused, 'DEMAND_HAS_SELECTION')).toBe(true);
      expect(await balanceOf(owner)).toBe(0);
      expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({
        show: '未审核',
        reason: '',
        pay: '已经支付',
        order_id: String(applicationId),
      });
      await admin.demands.review.mutate({ id: demandId, approve: true });
    });

    it('lets an operator give a paid demand’s escrow back while nobody is selected, once, and audited', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const alice = await loginBySms(t, undefined, 1);
      const admin = createClient({ url, token: (await adminSession(t)).token });
      const refusal = (call: Promise<unknown>) =>
        call.then(
          () => 'done',
          (error: unknown) => error,
        );
      const demandId = await postDemand(t, owner, { price: '60' });
      await approveDemand(t, demandId);
      const applicationId = await apply(t, alice, demandId);
      await credit(t, owner, '60');
      await okData('/user/goods/goodspay', owner, { id: demandId });
      // The owner cannot delete a paid demand (the contract), so without an operator the 60 stay put.
      expect((await post('/user/goods/del', owner, { id: demandId })).body.res).toBe(0);
      // Only an admin may give it back.
      const asOwner = createClient({ url, token: owner.token }).demands.returnEscrow.mutate({ id: demandId });
      expect(isAppError(await refusal(asOwner), 'ADMIN_ONLY')).toBe(true);

      expect(await admin.demands.returnEscrow.mutate({ id: demandId, reason: '无合适人选' })).toEqual({
        refundedFen: 6_000,
      });
      expect(await balanceOf(owner)).toBe(6_000);
      expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({
        pay: '未支付',
        suan: '未结算',
      });
      // Twice is nothing more: the escrow is empty.
      const again = admin.demands.returnEscrow.mutate({ id: demandId });
      expect(isAppError(await refusal(again), 'NOTHING_IN_ESCROW')).toBe(true);
      expect(await balanceOf(owner)).toBe(6_000);
      const audit = await admin.admin.auditLog.query({ userId: owner.userId, perPage: 10 });
      const returned = audit.items.filter((entry) => entry.action === 'demands.returnEscrow');
      expect(returned.map((entry) => [entry.before, entry.after, entry.detail])).toEqual([
        [
          { paid: true, settled: false, escrowFen: 6_000 },
          { paid: false, settled: false, escrowFen: 0 },
          { id: demandId, reason: '无合适人选' },
        ],
      ]);

      // Paid again and an applicant selected: the escrow is promised, and stays.
      await okData('/user/goods/goodspay', owner, { id: demandId });
      await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: applicationId });
      const promised = admin.demands.returnEscrow.mutate({ id: demandId });
      expect(isAppError(await refusal(promised), 'DEMAND_HAS_SELECTION')).toBe(true);
      expect(await balanceOf(owner)).toBe(0);
      // And the deleted-once-unpaid path: given back, the owner may now delete an unselected demand.
      const other = await postDemand(t, owner, { price: '10' });
      await credit(t, owner, '10');
      await okData('/user/goods/goodspay', owner, { id: other });
      await admin.demands.returnEscrow.mutate({ id: other });
      await okData('/user/goods/del', owner, { id: other });
      expect(await balanceOf(owner)).toBe(1_000);
    });
    it('refuses to give back the escrow of a demand that does not exist or is settled, with the declared codes', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const alice = await loginBySms(t, undefined, 1);
      const admin = createClient({ url, token: (await adminSession(t)).token });
      expect(await appCodeOf(admin.demands.returnEscrow.mutate({ id: 999_999_999 }))).toBe('NOT_FOUND');
      const demandId = await postDemand(t, owner, { price: '10' });
      await approveDemand(t, demandId);
      const applicationId = await apply(t, alice, demandId);
      await credit(t, owner, '10');
      await okData('/user/goods/goodspay', owner, { id: demandId });
      await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: applicationId });
      await deliver(alice, applicationId);
      // Paying its one selected applicant settles the demand: nothing is left to give back.
      await okData('/user/goods/pay', owner, { id: applicationId });
      expect(await appCodeOf(admin.demands.returnEscrow.mutate({ id: demandId }))).toBe('DEMAND_SETTLED');
    });
  });
});
