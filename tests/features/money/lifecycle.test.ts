import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isAppError } from '../../../client-sdk/index.js';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import {
  apply,
  approveDemand,
  credit,
  demandFields,
  postDemand,
  rejectDemand,
  type Session,
  uploadFile,
} from '../../support/marketplace-flow.js';
import { samplePng, sampleZip } from '../../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';

describe.each(backends)('money over HTTP ($name)', (backend) => {
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
  const balanceOf = async (session: Session) =>
    (await createClient({ url, token: session.token }).wallet.get.query()).balanceFen;

  async function deliver(applicant: Session, applicationId: number) {
    const over = await uploadFile(t, applicant, samplePng(), 'preview.png');
    const source = await uploadFile(t, applicant, sampleZip(), 'result.zip');
    const answer = await post('/user/goods_order/ok', applicant, { id: applicationId, over, source });
    expect(answer.body).toEqual({ res: 1, err: '', data: '' });
  }

  it('recharges, pays into escrow, pays out, settles and refunds, with an exact ledger', async () => {
    await credit(t, owner, '1000.00');
    await credit(t, owner, '0.50');
    expect(await balanceOf(owner)).toBe(100_050);

    const recharges = await post('/user/invest_log/index', owner);
    expect(recharges.body.data).toMatchObject({
      total: 2,
      data: [
        { uid: owner.userId, price: 0.5, isbill: '未开票' },
        { uid: owner.userId, price: 1000, isbill: '未开票' },
      ],
    });
    expect((await post('/user/pay_log/index', owner)).body.data).toEqual(recharges.body.data);

    const demandId = await postDemand(t, owner, { price: '1200' });
    await approveDemand(t, demandId);
    const short = await post('/user/goods/goodspay', owner, { id: demandId });
    expect(short.body).toEqual({ res: 0, err: '余额不足', data: '' });
    expect(await balanceOf(owner)).toBe(100_050);

    await credit(t, owner, '300');
    expect((await post('/user/goods/goodspay', owner, { id: String(demandId) })).body).toEqual({
      res: 1,
      err: '',
      data: '',
    });
    expect(await balanceOf(owner)).toBe(130_050 - 120_000);
    expect((await post('/user/goods/goodspay', owner, { id: demandId })).body).toEqual({
      res: 0,
      err: '该需求已支付',
      data: '',
    });
    expect((await post('/user/goods/info', owner, { id: demandId })).body.data).toMatchObject({
      pay: '已经支付',
    });

    const fromAlice = await apply(t, alice, demandId);
    const fromBob = await apply(t, bob, demandId);
    await post('/user/goods/ok', owner, { goods_id: demandId, order_id: [fromAlice, fromBob] });

    // Not delivered yet: no payout.
    expect((await post('/user/goods/pay', owner, { id: fromAlice, price: '100' })).body).toEqual({
      res: 0,
      err: '成果未提交，不能确认付款',
      data: '',
    });
    await deliver(alice, fromAlice);
    await deliver(bob, fromBob);

    expect((await post('/user/goods/pay', bob, { id: fromAlice, price: '100' })).body).toEqual({
      res: 0,
      err: '记录不存在',
      data: '',
    });
    expect((await post('/user/goods/pay', owner, { id: fromAlice, price: '1200.01' })).body.err).toBe(
      '付款金额超过托管余额',
    );
    expect((await post('/user/goods/pay', owner, { id: fromAlice, price: '700.25' })).body.res).toBe(1);
    expect((await post('/user/goods/pay', owner, { id: fromAlice, price: '1' })).body.err).toBe(
      '该申请已付款',
    );
    expect(await balanceOf(alice)).toBe(70_025);
    const midway = await post('/user/goods/info', owner, { id: demandId });
    expect(midway.body.data).toMatchObject({ suan: '未结算' });

    // The last selected application settles the demand; the 99.75 yuan left go back to the owner.
    expect((await post('/user/goods/pay', owner, { id: fromBob, price: 400 })).body.res).toBe(1);
    expect(await balanceOf(bob)).toBe(40_000);
    expect(await balanceOf(owner)).toBe(10_050 + 9_975);
    const settled = await post('/user/goods/info', owner, { id: demandId });
    expect(settled.body.data).toMatchObject({ pay: '已经支付', suan: '已结算' });
    const applicationRow = await post('/user/goods_order/info', alice, { id: fromAlice });
    expect(applicationRow.body.data).toMatchObject({ pay: '已支付', price: 700.25, ok: '已完结' });

    const ledger = await createClient({ url, token: owner.token }).wallet.entries.query({ perPage: 100 });
    expect(ledger.items.map((e) => [e.kind, e.amountFen])).toEqual([
      ['refund', 9_975],
      ['escrow', -120_000],
      ['recharge', 30_000],
      ['recharge', 50],
      ['recharge', 100_000],
    ]);
  });

  it('requests invoices for recharges not yet invoiced, once, and lets admins issue them', async () => {
    const payer = await loginBySms(t);
    await credit(t, payer, '10');
    await credit(t, payer, '20');
    const list = (await post('/user/invest_log/index', payer, { bill: '0' })).body.data as {
      data: Array<{ id: number }>;
    };
    const [second, first] = list.data.map((r) => r.id) as [number, number];

    expect((await post('/user/bill_log/add', alice, { inverst_id: String(first) })).body).toEqual({
      res: 0,
      err: '记录不存在',
      data: '',
    });
    expect((await post('/user/bill_log/add', payer, { inverst_id: `${first},${second}` })).body.res).toBe(1);
    expect((await post('/user/bill_log/add', payer, { id: first })).body.err).toBe(
      '所选充值记录已申请过发票',
    );
    expect((await post('/user/invest_log/index', payer, { bill: 1 })).body.data).toMatchObject({ total: 2 });
    expect((await post('/user/invest_log/index', payer, { bill: 0 })).body.data).toMatchObject({ total: 0 });

    const invoices = await post('/user/bill_log/index', payer);
    expect(invoices.body.data).toMatchObject({
      total: 2,
      data: [
        { uid: payer.userId, price: 20, isbill: '未开票', opentime: '' },
        { uid: payer.userId, price: 10, isbill: '未开票', opentime: '' },
      ],
    });
  });

  it('refuses payments with bad input on every field', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['/user/goods/goodspay', {}, '需求ID不能为空'],
      ['/user/goods/goodspay', { id: 'abc' }, '需求ID格式错误'],
      ['/user/goods/goodspay', { id: 99999999 }, '记录不存在'],
      ['/user/goods/pay', { price: '1' }, '需求申请ID不能为空'],
      ['/user/goods/pay', { id: 1, price: '-1' }, '金额格式错误'],
      ['/user/goods/pay', { id: 1, price: '1.001' }, '金额格式错误'],
      ['/user/bill_log/add', {}, '充值记录ID不能为空'],
      ['/user/bill_log/add', { inverst_id: 'x' }, '第1条：充值记录ID格式错误'],
    ];
    for (const [path, fields, err] of cases) {
      expect((await post(path, owner, fields)).body, `${path} ${JSON.stringify(fields)}`).toEqual({
        res: 0,
        err,
        data: '',
      });
    }
  });

  it('refuses to pay a rejected demand until an edit sends it back to review', async () => {
    const payer = await loginBySms(t, undefined, 2);
    await credit(t, payer, '30');
    const client = createClient({ url, token: payer.token });
    const demandId = await postDemand(t, payer, { price: '30' });
    await rejectDemand(t, demandId);
    // Before: paid, and then neither editable (paid) nor reviewable (rejected) until an operator
    // gave the escrow back.
    expect((await post('/user/goods/goodspay', payer, { id: demandId })).body).toEqual({
      res: 0,
      err: '该需求未通过审核，请修改后重新提交审核再支付',
      data: '',
    });
    const typed = await client.payments.payDemand.mutate({ demandId }).catch((e: unknown) => e);
    expect(isAppError(typed, 'DEMAND_REJECTED')).toBe(true);
    expect(await balanceOf(payer)).toBe(3_000);

    const edited = await post('/user/goods/edit', payer, { id: demandId, ...demandFields({ price: '30' }) });
    expect(edited.body.res, edited.body.err).toBe(1);
    expect((await post('/user/goods/goodspay', payer, { id: demandId })).body.res).toBe(1);
    expect(await balanceOf(payer)).toBe(0);
  });

  it('answers a retried typed payment with the same result instead of paying twice', async () => {
    const payer = await loginBySms(t, undefined, 2);
    await credit(t, payer, '50');
    const client = createClient({ url, token: payer.token });
    const demandId = await postDemand(t, payer, { price: '30' });
    const first = await client.payments.payDemand.mutate({ demandId, idempotencyKey: 'retry-key-0001' });
    const again = await client.payments.payDemand.mutate({ demandId, idempotencyKey: 'retry-key-0001' });
    expect(again).toEqual(first);
    expect(await balanceOf(payer)).toBe(2_000);
    const withoutKey = await client.payments.payDemand.mutate({ demandId }).catch((e: unknown) => e);
    expect(isAppError(withoutKey, 'DEMAND_ALREADY_PAID')).toBe(true);
  });

  it('keeps the ledger immutable in the database itself', async () => {
    const db = t.stores.database.db;
    await expect(db.updateTable('ledger_entries').set({ amount_fen: 1 }).execute()).rejects.toThrow(
      /immutable/,
    );
    await expect(db.deleteFrom('ledger_entries').execute()).rejects.toThrow(/immutable/);
  });
});
