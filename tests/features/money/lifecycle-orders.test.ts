import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isAppError } from '../../../client-sdk/index.js';
import { adminSession, loginBySms } from '../../support/auth-flow.js';
import { backends, withPrivateDatabase } from '../../support/backends.js';
import {
  approvedWithApplicants,
  credit,
  demandFields,
  legacyCalls,
  postDemand,
  type Session,
  uploadFile,
} from '../../support/marketplace-flow.js';
import { expectMoneyConserved } from '../../support/money-checks.js';
import { samplePng, sampleZip } from '../../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * The demand lifecycle walked in unusual orders and concurrently, on both doors, each step checked
 * against what the client reads and against the money rules: every wallet and escrow together equal
 * recharges minus withdrawals, and every balance column equals what its ledger account adds up to.
 */
describe.each(backends)('the demand lifecycle in unusual orders ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    // A database of its own: the conservation check sums every wallet, escrow and ledger entry.
    t = await startTestApp(withPrivateDatabase(backend));
    url = await listen(t);
  });
  afterAll(() => t.close());

  const { post, okData } = legacyCalls(() => t);
  const db = () => t.stores.database.db;
  const balanceOf = async (session: Session) =>
    (await createClient({ url, token: session.token }).wallet.get.query()).balanceFen;

  async function deliver(applicant: Session, applicationId: number, preview = 'preview.png') {
    const over = await uploadFile(t, applicant, samplePng(), preview);
    const source = await uploadFile(t, applicant, sampleZip(), 'result.zip');
    return post('/user/goods_order/ok', applicant, { id: applicationId, over, source });
  }

  const approvedWith = (price: string, applicants: number) => approvedWithApplicants(t, price, applicants);

  const ownRow = async (owner: Session, demandId: number) => {
    const page = await okData('/user/goods/index', owner, { page: 1 });
    const row = (page.data as Array<Record<string, unknown>>).find((r) => r.id === demandId);
    return row as Record<string, unknown> & { order_id_ok: '' | Array<Record<string, unknown>> };
  };

  it('tells an owner paying an application of an unpaid demand that nothing was delivered, moving nothing', async () => {
    const { owner, demandId, ids } = await approvedWith('10', 1);
    await credit(t, owner, '10');
    // Before: 需求未支付，不能选择接单人 ("cannot select applicants") while confirming a delivery.
    expect((await post('/user/goods/pay', owner, { id: ids[0] })).body).toEqual({
      res: 0,
      err: '成果未提交，不能确认付款',
      data: '',
    });
    const typed = await createClient({ url, token: owner.token })
      .payments.payApplication.mutate({ applicationId: ids[0] as number })
      .catch((error: unknown) => error);
    expect(isAppError(typed, 'NOT_DELIVERED')).toBe(true);
    // Selecting is what needs the demand paid, and says so.
    expect((await post('/user/goods/ok', owner, { goods_id: demandId, order_id: ids[0] })).body.err).toBe(
      '需求未支付，不能选择接单人',
    );
    expect(await balanceOf(owner)).toBe(1000);
    expect(await ownRow(owner, demandId)).toMatchObject({ pay: '未支付', order_id_ok: '' });
    await expectMoneyConserved(db());
  });

  it('refuses a delivery before selection, replaces it until paid, and refuses it after', async () => {
    const { owner, workers, demandId, ids } = await approvedWith('0.01', 1);
    const [alice] = workers as [Session];
    const id = ids[0] as number;
    const notSelected = { res: 0, err: '未被选中或已付款，不能提交成果', data: '' };
    expect((await deliver(alice, id)).body).toEqual(notSelected);
    await credit(t, owner, '0.01');
    await okData('/user/goods/goodspay', owner, { id: demandId });
    expect((await post('/user/goods/pay', owner, { id })).body.err).toBe('成果未提交，不能确认付款');
    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: id });
    expect((await deliver(alice, id, 'first.png')).body.res).toBe(1);
    expect((await deliver(alice, id, 'second.png')).body.res).toBe(1);
    const delivered = await okData('/user/goods_order/info', alice, { id });
    expect(delivered).toMatchObject({ state: '锁定', ok: '已完结', pay: '未支付', price: 0.01 });

    // Two confirmations at once with different amounts: one pays, the other is told it is paid.
    const answers = await Promise.all([
      post('/user/goods/pay', owner, { id, price: '0.01' }),
      post('/user/goods/pay', owner, { id, price: 0 }),
    ]);
    expect(answers.map((a) => a.body.err).sort()).toEqual(['', '该申请已付款']);
    expect((await deliver(alice, id)).body).toEqual(notSelected);
    expect((await post('/user/goods_order/del', alice, { id })).body.err).toBe('已被选中，不能撤回申请');
    expect(await okData('/user/goods_order/info', alice, { id })).toMatchObject({
      over: delivered.over,
      pay: '已支付',
      price: 0.01,
      goodsinfo: { pay: '已经支付', suan: '已结算', order_id: String(id) },
    });
    expect([await balanceOf(alice), await balanceOf(owner)]).toEqual([1, 0]);
    await expectMoneyConserved(db());
  });

  it('settles a one-fen demand over three applicants paid in reverse with the rows’ prices', async () => {
    const { owner, workers, demandId, ids } = await approvedWith('0.01', 3);
    await credit(t, owner, '0.01');
    await okData('/user/goods/goodspay', owner, { id: demandId });
    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: ids.join(',') });
    for (const [i, worker] of workers.entries())
      expect((await deliver(worker, ids[i] as number)).body.res).toBe(1);
    const rows = (await ownRow(owner, demandId)).order_id_ok as Array<{ id: number; price: number }>;
    expect(rows.map((row) => row.price)).toEqual([0.01, 0, 0]);
    for (const row of [...rows].reverse())
      await okData('/user/goods/pay', owner, { id: row.id, price: row.price });
    expect(await ownRow(owner, demandId)).toMatchObject({ pay: '已经支付', suan: '已结算' });
    expect(await Promise.all([...workers, owner].map(balanceOf))).toEqual([1, 0, 0, 0]);
    await expectMoneyConserved(db());
  });

  it('pays a demand at the price cap and refuses a fen more', async () => {
    expect(
      (
        await post(
          '/user/goods/add',
          await loginBySms(t, undefined, 2),
          demandFields({ price: '1000000000.01' }),
        )
      ).body.res,
    ).toBe(0);
    const { owner, workers, demandId, ids } = await approvedWith('1000000000', 2);
    await credit(t, owner, '1000000000');
    await okData('/user/goods/goodspay', owner, { id: demandId });
    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: ids });
    for (const [i, worker] of workers.entries()) await deliver(worker, ids[i] as number);
    // All of it to the first: the second's share is shared anew from nothing, so the client pays it 0.
    await okData('/user/goods/pay', owner, { id: ids[0], price: 1_000_000_000 });
    expect((await post('/user/goods/pay', owner, { id: ids[1], price: '0.01' })).body.err).toBe(
      '付款金额超过托管余额',
    );
    const rows = (await ownRow(owner, demandId)).order_id_ok as Array<{ id: number; price: number }>;
    expect(rows.map((row) => row.price)).toEqual([1_000_000_000, 0]);
    await okData('/user/goods/pay', owner, { id: ids[1], price: rows[1]?.price });
    expect(await ownRow(owner, demandId)).toMatchObject({ suan: '已结算' });
    expect(await Promise.all([...workers, owner].map(balanceOf))).toEqual([100_000_000_000, 0, 0]);
    await expectMoneyConserved(db());
  });

  it('keeps escrow equal to the price through edits, payments, rejections and deletions at once', async () => {
    const admin = createClient({ url, token: (await adminSession(t)).token });
    for (let round = 0; round < 6; round++) {
      const owner = await loginBySms(t, undefined, 2);
      const demandId = await postDemand(t, owner, { price: '10' });
      await credit(t, owner, '100');
      const [review, ...answers] = await Promise.all([
        admin.demands.review.mutate({ id: demandId, approve: false }).catch((error: unknown) => error),
        post('/user/goods/edit', owner, { id: demandId, ...demandFields({ price: '20' }) }),
        post('/user/goods/goodspay', owner, { id: demandId }),
        ...(round % 2 === 0 ? [] : [post('/user/goods/del', owner, { id: demandId })]),
      ]);
      // Each one way or the other, never a failure of the service: a deleted demand cannot be reviewed.
      if (review !== undefined) expect(isAppError(review, 'NOT_FOUND')).toBe(true);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body.err).not.toMatch(/服务器/);
      }
      const row = await db().selectFrom('demands').selectAll().where('id', '=', demandId).executeTakeFirst();
      const info = await post('/user/goods/info', owner, { id: demandId });
      if (!row) {
        expect(info.body.err).toBe('记录不存在');
        expect(await balanceOf(owner)).toBe(10_000);
      } else {
        expect(Number(row.escrow_fen)).toBe(row.paid ? Number(row.price_fen) : 0);
        expect(await balanceOf(owner)).toBe(10_000 - Number(row.escrow_fen));
        expect(info.body.data).toMatchObject({ pay: row.paid ? '已经支付' : '未支付', suan: '未结算' });
      }
    }
    await expectMoneyConserved(db());
  });

  it('answers a withdrawal racing a selection one way, and pays exactly once under racing confirmations', async () => {
    const { owner, workers, demandId, ids } = await approvedWith('100', 3);
    await credit(t, owner, '100');
    await okData('/user/goods/goodspay', owner, { id: demandId });
    const [selection, withdrawal] = await Promise.all([
      post('/user/goods/ok', owner, { goods_id: demandId, order_id: ids.join(',') }),
      post('/user/goods_order/del', workers[2] as Session, { id: ids[2] }),
    ]);
    // Either the withdrawal came first (the selection names a gone application) or the selection did.
    if (withdrawal.body.res === 1) {
      expect(selection.body.err).toBe('所选申请不存在或不属于该需求');
      await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: ids.slice(0, 2).join(',') });
    } else {
      expect(withdrawal.body.err).toBe('已被选中，不能撤回申请');
      expect(selection.body.res).toBe(1);
    }
    await deliver(workers[0] as Session, ids[0] as number);
    const answers = await Promise.all([
      post('/user/goods/pay', owner, { id: ids[0], price: '70' }),
      post('/user/goods/pay', owner, { id: ids[0], price: '30' }),
      post('/user/goods/pay', owner, { id: ids[0] }),
    ]);
    expect(answers.map((a) => a.body.err).sort()).toEqual(['', '该申请已付款', '该申请已付款']);
    const paid = await balanceOf(workers[0] as Session);
    expect([7000, 3000, 5000, 3334]).toContain(paid);
    // The shares still to be paid always fit in what escrow holds.
    const rows = (await ownRow(owner, demandId)).order_id_ok as Array<{ price: number; pay: string }>;
    const promised = rows
      .filter((r) => r.pay === '未支付')
      .reduce((sum, r) => sum + Math.round(r.price * 100), 0);
    expect(promised).toBeLessThanOrEqual(10_000 - paid);
    await expectMoneyConserved(db());
  });

  it('makes one invoice request of concurrent requests for the same recharge', async () => {
    const owner = await loginBySms(t, undefined, 2);
    await credit(t, owner, '5');
    await credit(t, owner, '6');
    const recharges = (await okData('/user/pay_log/index', owner)).data as Array<{ id: number }>;
    const [newest, older] = recharges.map((r) => r.id) as [number, number];
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () => post('/user/bill_log/add', owner, { inverst_id: String(newest) })),
      ...Array.from({ length: 6 }, () =>
        post('/user/bill_log/add', owner, { inverst_id: `${newest},${older}` }),
      ),
    ]);
    expect(answers.filter((a) => a.body.res === 1)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.body.res === 0))
      expect(refused.body.err).toBe('所选充值记录已申请过发票');
    const requests = (await okData('/user/bill_log/index', owner)).data as Array<{ inverst_id: number }>;
    const invoiced = requests.map((r) => r.inverst_id).sort();
    const listed = (await okData('/user/pay_log/index', owner, { bill: 1 })).data as Array<{ id: number }>;
    expect(listed.map((r) => r.id).sort()).toEqual(invoiced);
  });

  it('lets an edit and an application race either way, and deletes a demand with its applications and files', async () => {
    const { owner, workers, demandId, ids } = await approvedWith('10', 1);
    const bob = await loginBySms(t, undefined, 1);
    const [edit, application] = await Promise.all([
      post('/user/goods/edit', owner, { id: demandId, ...demandFields({ price: '12' }) }),
      post('/user/goods_order/add', bob, { goods_id: demandId, msg: '我可以' }),
    ]);
    expect(edit.body.res).toBe(1);
    // Back in review, the demand takes no application: it was either in before the edit, or refused.
    if (application.body.res === 0) expect(application.body.err).toBe('记录不存在');
    const row = await ownRow(owner, demandId);
    expect(row).toMatchObject({ show: '未审核', price: 12, pay: '未支付' });
    const listed = (row.order_id_list as Array<{ user_id: number }>).map((a) => a.user_id);
    expect(listed).toEqual(
      application.body.res === 1 ? [workers[0]?.userId, bob.userId] : [workers[0]?.userId],
    );

    const brief = await uploadFile(t, owner, samplePng(), 'brief.png');
    await okData('/user/goods/edit', owner, { id: demandId, ...demandFields({ price: '12', file: brief }) });
    await okData('/user/goods/del', owner, { id: demandId });
    expect((await post('/user/goods/info', owner, { id: demandId })).body.err).toBe('记录不存在');
    expect((await okData('/user/goods_order/index', workers[0] as Session)).total).toBe(0);
    expect((await post('/user/goods_order/info', workers[0] as Session, { id: ids[0] })).body.err).toBe(
      '记录不存在',
    );
    expect(
      await db().selectFrom('demand_files').select('id').where('demand_id', '=', demandId).execute(),
    ).toEqual([]);
    await expectMoneyConserved(db());
  });
});
