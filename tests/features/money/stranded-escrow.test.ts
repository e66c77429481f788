import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isAppError } from '../../../client-sdk/index.js';
import { adminSession, checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import {
  apply,
  approveDemand,
  credit,
  demandFields,
  postDemand,
  type Session,
  uploadFile,
} from '../../support/marketplace-flow.js';
import { sampleZip } from '../../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * Money that a sequence of allowed calls used to leave in escrow for good: a share escrow no longer
 * covered, the price of a demand paid while awaiting review and then rejected, and the price of a
 * paid demand nobody was selected on, which only an operator can give back.
 */
describe.each(backends)('escrow that can always leave ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await listen(t);
  });
  afterAll(() => t.close());

  const post = (path: string, session: Session, fields: Record<string, unknown> = {}) =>
    legacyPost(t.app, path, { ...checkFields(session), ...fields });
  const okData = async (path: string, session: Session, fields: Record<string, unknown> = {}) => {
    const answer = await post(path, session, fields);
    expect(answer.body, `${path} ${JSON.stringify(fields)}`).toMatchObject({ res: 1, err: '' });
    return answer.body.data as Record<string, unknown>;
  };
  const balanceOf = async (session: Session) =>
    (await createClient({ url, token: session.token }).wallet.get.query()).balanceFen;
  const deliver = async (applicant: Session, id: number) =>
    okData('/user/goods_order/ok', applicant, {
      id,
      source: await uploadFile(t, applicant, sampleZip(), 'result.zip'),
    });
  const ownRow = async (owner: Session, demandId: number) => {
    const page = await okData('/user/goods/index', owner, { page: 1 });
    return (page.data as Array<Record<string, unknown>>).find((row) => row.id === demandId) as {
      suan: string;
      order_id_ok: Array<{ id: number; price: number; pay: string }>;
    };
  };

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
    const rows = (await ownRow(owner, demandId)).order_id_ok;
    expect(rows.map((row) => [row.price, row.pay])).toEqual([
      [80.01, '已支付'],
      [10, '未支付'],
      [9.99, '未支付'],
    ]);
    for (const row of rows.slice(1)) await okData('/user/goods/pay', owner, { id: row.id, price: row.price });

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
    expect((await ownRow(owner, demandId)).order_id_ok.map((row) => row.price)).toEqual([5, 20]);
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

  it('refuses to reject a paid demand with selected applicants, changing nothing', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const alice = await loginBySms(t, undefined, 1);
    const admin = createClient({ url, token: (await adminSession(t)).token });
    const demandId = await postDemand(t, owner, { price: '30' });
    await approveDemand(t, demandId);
    const applicationId = await apply(t, alice, demandId);
    // Edited after approval (back to review), then paid and an applicant selected.
    await okData('/user/goods/edit', owner, { id: demandId, ...demandFields({ price: '30' }) });
    await credit(t, owner, '30');
    await okData('/user/goods/goodspay', owner, { id: demandId });
    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: applicationId });

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
    const codeOf = (call: Promise<unknown>) =>
      call.then(
        () => 'done',
        (error: unknown) => (isAppError(error) ? error.data?.appCode : error),
      );
    expect(await codeOf(admin.demands.returnEscrow.mutate({ id: 999_999_999 }))).toBe('NOT_FOUND');
    const demandId = await postDemand(t, owner, { price: '10' });
    await approveDemand(t, demandId);
    const applicationId = await apply(t, alice, demandId);
    await credit(t, owner, '10');
    await okData('/user/goods/goodspay', owner, { id: demandId });
    await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: applicationId });
    await deliver(alice, applicationId);
    // Paying its one selected applicant settles the demand: nothing is left to give back.
    await okData('/user/goods/pay', owner, { id: applicationId });
    expect(await codeOf(admin.demands.returnEscrow.mutate({ id: demandId }))).toBe('DEMAND_SETTLED');
  });
});
