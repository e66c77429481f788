import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient, isAppError } from '../../../client-sdk/index.js';
import type { ChangeHooks } from '../../../server/src/db/transaction.js';
import { AppError } from '../../../server/src/errors.js';
import { AdminActions } from '../../../server/src/features/admin/admin-actions.js';
import type { Services } from '../../../server/src/services.js';
import { appCodeOf } from '../../support/app-codes.js';
import { adminSession } from '../../support/auth-flow.js';
import { backends, withPrivateDatabase } from '../../support/backends.js';
import { eventually } from '../../support/eventually.js';
import {
  approvedWithApplicants,
  credit,
  legacyCalls,
  type Session,
  uploadFile,
} from '../../support/marketplace-flow.js';
import { expectMoneyConserved } from '../../support/money-checks.js';
import { samplePng, sampleZip } from '../../support/sample-files.js';
import { openServices } from '../../support/services.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * An operator releases a selected applicant who never delivers (`demands.releaseSelection`), so
 * that the escrow promised to them is not held for good: the application is unselected, its share
 * goes to the applicants still selected, and once nobody is left `demands.returnEscrow` gives the
 * escrow back. Each step is checked against what the deployed client reads and against the money
 * rules: every wallet and escrow together equal recharges minus withdrawals, and every balance
 * column equals what its ledger account adds up to. Redis plays no part beyond sessions, so the
 * cluster backend is left to the suites about the key-value store.
 */
const stores = backends.filter((backend) => backend.name !== 'mysql+redis-cluster');

describe.each(stores)('releasing a selected applicant ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  let operator: { userId: number; token: string; phone: string };
  let admin: Client;
  let services: Services;
  let closeServices: () => Promise<void>;
  beforeAll(async () => {
    // A database of its own: the conservation check sums every wallet, escrow and ledger entry,
    // and the lock waits counted are this file's.
    t = await startTestApp(withPrivateDatabase(backend));
    url = await listen(t);
    operator = await adminSession(t);
    admin = createClient({ url, token: operator.token });
    ({ services, close: closeServices } = await openServices(t));
  }, 60_000);
  afterAll(async () => {
    await closeServices();
    await t.close();
  });

  const { post, okData } = legacyCalls(() => t);
  const db = () => t.stores.database.db;
  const balanceOf = async (session: Session) =>
    (await createClient({ url, token: session.token }).wallet.get.query()).balanceFen;
  const release = (applicationId: number, reason?: string) =>
    admin.demands.releaseSelection.mutate({ applicationId, ...(reason ? { reason } : {}) });
  const releases = async (userId: number) =>
    (await admin.admin.auditLog.query({ userId, perPage: 100 })).items.filter(
      (entry) => entry.action === 'demands.releaseSelection',
    );
  /** The application as its applicant's client reads it (`state` 锁定 while selected, `price` its share). */
  const applicantView = (applicant: Session, id: number) =>
    okData('/user/goods_order/info', applicant, { id });
  const sharesOf = async (demandId: number) =>
    (await admin.admin.demand.query({ id: demandId })).applications.map((a) => [a.id, a.allocatedFen]);

  /** The files of a delivery, uploaded ahead, so that a race is about the delivery alone. */
  async function deliveryOf(applicant: Session) {
    return {
      over: await uploadFile(t, applicant, samplePng(), 'preview.png'),
      source: await uploadFile(t, applicant, sampleZip(), 'result.zip'),
    };
  }
  const deliver = async (applicant: Session, id: number, files?: { over: string; source: string }) =>
    post('/user/goods_order/ok', applicant, { id, ...(files ?? (await deliveryOf(applicant))) });

  /** A paid demand with `applicants` applications, the first `selecting` of them selected. */
  async function selectedOn(price: string, applicants: number, selecting = applicants) {
    const { owner, workers, demandId, ids } = await approvedWithApplicants(t, price, applicants);
    await credit(t, owner, price);
    await okData('/user/goods/goodspay', owner, { id: demandId });
    if (selecting > 0) {
      await okData('/user/goods/ok', owner, {
        goods_id: demandId,
        order_id: ids.slice(0, selecting).join(','),
      });
    }
    return { owner, workers, demandId, ids };
  }

  it('releases the only selected applicant, after which the escrow goes back to the owner whole', async () => {
    const { owner, workers, demandId, ids } = await selectedOn('60', 1);
    const [worker] = workers as [Session];
    const [id] = ids as [number];
    expect(await applicantView(worker, id)).toMatchObject({ state: '锁定', price: 60 });
    // Before the release: the escrow is promised, and the owner can neither pay nor delete.
    expect(await appCodeOf(admin.demands.returnEscrow.mutate({ id: demandId }))).toBe('DEMAND_HAS_SELECTION');
    expect((await post('/user/goods/pay', owner, { id })).body.err).toBe('成果未提交，不能确认付款');
    expect((await post('/user/goods/del', owner, { id: demandId })).body.res).toBe(0);

    await release(id, '逾期未交付');

    expect(await applicantView(worker, id)).toMatchObject({ state: '正常', price: 0 });
    expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({
      pay: '已经支付',
      order_id: '',
    });
    // Released, the applicant can no longer deliver.
    expect((await deliver(worker, id)).body.err).toBe('未被选中或已付款，不能提交成果');
    // As for a demand nobody was selected on: the whole escrow back, the demand unpaid.
    expect(await admin.demands.returnEscrow.mutate({ id: demandId })).toEqual({ refundedFen: 6_000 });
    expect(await balanceOf(owner)).toBe(6_000);
    expect(await balanceOf(worker)).toBe(0);
    expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({
      pay: '未支付',
      suan: '未结算',
    });
    const { escrowEntries } = await admin.admin.demand.query({ id: demandId });
    expect(escrowEntries.map((entry) => [entry.kind, entry.amountFen])).toEqual([
      ['refund', -6_000],
      ['escrow', 6_000],
    ]);
    await expectMoneyConserved(db());
    // The applicant may now withdraw, and the owner delete the unpaid demand.
    await okData('/user/goods_order/del', worker, { id });
    await okData('/user/goods/del', owner, { id: demandId });
    await expectMoneyConserved(db());
  });

  it('gives the whole remaining escrow to the other selected applicant, and records the shares on either side', async () => {
    const { owner, workers, demandId, ids } = await selectedOn('100.01', 2);
    const [first, second] = workers as [Session, Session];
    const [firstId, secondId] = ids as [number, number];
    expect(await sharesOf(demandId)).toEqual([
      [firstId, 5_001],
      [secondId, 5_000],
    ]);

    await release(firstId, '联系不上');

    expect(await sharesOf(demandId)).toEqual([
      [firstId, 0],
      [secondId, 10_001],
    ]);
    expect(await applicantView(second, secondId)).toMatchObject({ state: '锁定', price: 100.01 });
    expect(await applicantView(first, firstId)).toMatchObject({ state: '正常', price: 0 });
    // The owner pays the one left its share, the whole price: the demand settles with nothing over.
    expect((await deliver(second, secondId)).body.res).toBe(1);
    await okData('/user/goods/pay', owner, { id: secondId });
    expect(await balanceOf(second)).toBe(10_001);
    expect(await balanceOf(first)).toBe(0);
    expect(await balanceOf(owner)).toBe(0);
    expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({ suan: '已结算' });
    await expectMoneyConserved(db());

    // The record: who, what, why, and the state on either side, read in the release's transaction.
    const [record, ...more] = await releases(first.userId);
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      adminId: operator.userId,
      adminPhone: operator.phone,
      targetType: 'application',
      targetId: firstId,
      userId: first.userId,
      detail: { applicationId: firstId, reason: '联系不上' },
    });
    expect([record?.before, record?.after]).toEqual([
      {
        demandId,
        selected: true,
        delivered: false,
        paid: false,
        allocatedFen: 5_001,
        escrowFen: 10_001,
        shares: [
          { id: firstId, fen: 5_001 },
          { id: secondId, fen: 5_000 },
        ],
      },
      {
        demandId,
        selected: false,
        delivered: false,
        paid: false,
        allocatedFen: 0,
        escrowFen: 10_001,
        shares: [{ id: secondId, fen: 10_001 }],
      },
    ]);
  });

  it('records the state before as the release found it, holding its locks, not as the operator saw it', async () => {
    const { owner, workers, demandId, ids } = await selectedOn('60', 2, 1);
    const [released, other] = ids as [number, number];
    // The owner selects another applicant as the operator's release starts, before its transaction.
    const { applications } = services;
    const selectingFirst = Object.assign(Object.create(applications) as typeof applications, {
      release: async (id: number, hooks: ChangeHooks) => {
        await okData('/user/goods/ok', owner, { goods_id: demandId, order_id: String(other) });
        return applications.release(id, hooks);
      },
    });
    await new AdminActions(t.clock, { ...services, applications: selectingFirst }).releaseSelection(
      { adminId: operator.userId },
      { applicationId: released },
    );

    expect(await sharesOf(demandId)).toEqual([
      [released, 0],
      [other, 6_000],
    ]);
    const [record] = await releases((workers[0] as Session).userId);
    expect([record?.before, record?.after, record?.detail]).toEqual([
      {
        demandId,
        selected: true,
        delivered: false,
        paid: false,
        allocatedFen: 3_000,
        escrowFen: 6_000,
        shares: [
          { id: released, fen: 3_000 },
          { id: other, fen: 3_000 },
        ],
      },
      {
        demandId,
        selected: false,
        delivered: false,
        paid: false,
        allocatedFen: 0,
        escrowFen: 6_000,
        shares: [{ id: other, fen: 6_000 }],
      },
      { applicationId: released },
    ]);
  });

  it('leaves what a payout left in escrow to be given back once the last unpaid selected applicant is released', async () => {
    const { owner, workers, demandId, ids } = await selectedOn('100.01', 2);
    const [paid, idle] = workers as [Session, Session];
    const [paidId, idleId] = ids as [number, number];
    expect((await deliver(paid, paidId)).body.res).toBe(1);
    await okData('/user/goods/pay', owner, { id: paidId });
    expect(await balanceOf(paid)).toBe(5_001);

    await release(idleId);

    expect(await sharesOf(demandId)).toEqual([
      [paidId, 5_001],
      [idleId, 0],
    ]);
    // Nobody is left to pay: the rest goes back, and the demand settles, as after the last payout.
    expect(await admin.demands.returnEscrow.mutate({ id: demandId })).toEqual({ refundedFen: 5_000 });
    expect(await balanceOf(owner)).toBe(5_000);
    expect(await balanceOf(idle)).toBe(0);
    expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({ suan: '已结算' });
    await expectMoneyConserved(db());
  });

  it('refuses what cannot be released with its code, changing nothing', async () => {
    const { owner, workers, demandId, ids } = await selectedOn('90', 4, 3);
    const [payee, deliverer, idle, unselected] = workers as [Session, Session, Session, Session];
    const [paidId, deliveredId, idleId, unselectedId] = ids as [number, number, number, number];
    expect((await deliver(payee, paidId)).body.res).toBe(1);
    await okData('/user/goods/pay', owner, { id: paidId });
    expect((await deliver(deliverer, deliveredId)).body.res).toBe(1);
    const shares = await sharesOf(demandId);

    expect(await appCodeOf(release(999_999_999))).toBe('NOT_FOUND');
    expect(await appCodeOf(release(unselectedId))).toBe('APPLICATION_NOT_SELECTED');
    expect(await appCodeOf(release(deliveredId))).toBe('APPLICATION_DELIVERED');
    expect(await appCodeOf(release(paidId))).toBe('APPLICATION_ALREADY_PAID');
    // Each says why in both languages: English as the message, Chinese for the console.
    const delivered = await release(deliveredId).catch((error: unknown) => error);
    expect(isAppError(delivered, 'APPLICATION_DELIVERED') && delivered.data?.messageZh).toBe(
      '接单人已提交成果，不能释放：应由雇主确认付款，或在平台外解决纠纷',
    );
    expect((delivered as Error).message).toContain('the owner must confirm and pay the delivery');

    expect(await sharesOf(demandId)).toEqual(shares);
    for (const worker of workers) expect(await releases(worker.userId)).toEqual([]);

    // Settled (its last selected applicant paid): nothing of it can be released any more.
    await release(idleId);
    await okData('/user/goods/pay', owner, { id: deliveredId });
    expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({ suan: '已结算' });
    for (const id of [paidId, deliveredId, idleId, unselectedId])
      expect(await appCodeOf(release(id))).toBe('DEMAND_SETTLED');
    expect(await releases(idle.userId)).toHaveLength(1);
    expect(await releases(unselected.userId)).toEqual([]);
    await expectMoneyConserved(db());
  });

  it('refuses the release to anyone but an admin', async () => {
    const { owner, workers, demandId, ids } = await selectedOn('20', 1);
    const [worker] = workers as [Session];
    const [id] = ids as [number];
    for (const session of [owner, worker]) {
      const asUser = createClient({ url, token: session.token }).demands.releaseSelection.mutate({
        applicationId: id,
      });
      expect(await appCodeOf(asUser)).toBe('ADMIN_ONLY');
    }
    const anonymous = createClient({ url }).demands.releaseSelection.mutate({ applicationId: id });
    expect(await appCodeOf(anonymous)).toBe('UNAUTHENTICATED');
    expect(await sharesOf(demandId)).toEqual([[id, 2_000]]);
    expect(await applicantView(worker, id)).toMatchObject({ state: '锁定' });
    expect(await releases(worker.userId)).toEqual([]);
  });

  /** Transactions of this (private) database waiting on a row lock; always 0 on SQLite. */
  const lockWaits = async () => {
    if (backend.name === 'embedded') return 0;
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from information_schema.innodb_trx w
      join information_schema.processlist p on p.id = w.trx_mysql_thread_id
      where w.trx_state = 'LOCK WAIT' and p.db = database()`.execute(db());
    return Number(rows[0]?.n);
  };

  /**
   * Releases the application through the admin actions, starting `during` once the release holds
   * the demand's and the application's locks and going on once `during` waits for them: on MySQL
   * when a transaction waits on a row lock, on SQLite (one write transaction at a time, the only
   * connection held) after a pause. Answers the release's outcome ('done' or its code) and `during`'s.
   */
  async function releaseWhile<T>(applicationId: number, during: () => Promise<T>) {
    let racing: Promise<T> | undefined;
    const { applications } = services;
    const pausing = Object.assign(Object.create(applications) as typeof applications, {
      release: (id: number, hooks: ChangeHooks) =>
        applications.release(id, {
          ...hooks,
          beforeChange: async (tx) => {
            await hooks.beforeChange?.(tx);
            if (racing) return; // a retried attempt: the other call is under way already
            racing = during();
            if (backend.name === 'embedded') await new Promise((resolve) => setTimeout(resolve, 150));
            else await eventually(lockWaits, (waiting) => waiting >= 1);
          },
        }),
    });
    const actions = new AdminActions(t.clock, { ...services, applications: pausing });
    const released = await actions.releaseSelection({ adminId: operator.userId }, { applicationId }).then(
      () => 'done',
      (error: unknown) => (error instanceof AppError ? error.appCode : error),
    );
    return { released, other: await (racing as Promise<T>) };
  }

  it('ends a release racing the applicant’s delivery one way or the other', async () => {
    const race = async (pinned: boolean) => {
      const { owner, workers, demandId, ids } = await selectedOn('30', 1);
      const [worker] = workers as [Session];
      const [id] = ids as [number];
      const files = await deliveryOf(worker);
      const sendDelivery = () => deliver(worker, id, files);
      // Pinned: the delivery arrives while the release holds its locks. Free: both at once.
      const { released, other: delivered } = pinned
        ? await releaseWhile(id, sendDelivery)
        : await Promise.all([appCodeOf(release(id)), sendDelivery()]).then(([r, d]) => ({
            released: r,
            other: d,
          }));
      if (released === 'done') {
        expect(delivered.body.err).toBe('未被选中或已付款，不能提交成果');
        expect(await applicantView(worker, id)).toMatchObject({ state: '正常', ok: '未完结', price: 0 });
        expect(await admin.demands.returnEscrow.mutate({ id: demandId })).toEqual({ refundedFen: 3_000 });
        expect(await balanceOf(owner)).toBe(3_000);
      } else {
        expect(released).toBe('APPLICATION_DELIVERED');
        expect(delivered.body.res).toBe(1);
        expect(await applicantView(worker, id)).toMatchObject({ state: '锁定', ok: '已完结', price: 30 });
        await okData('/user/goods/pay', owner, { id });
        expect(await balanceOf(worker)).toBe(3_000);
      }
      await expectMoneyConserved(db());
      return released;
    };
    expect(await race(true)).toBe('done');
    for (let round = 0; round < 3; round++) await race(false);
  });

  it('ends a release racing the delivery and payment of the same applicant one way or the other', async () => {
    const race = async (pinned: boolean) => {
      const { owner, workers, demandId, ids } = await selectedOn('40', 1);
      const [worker] = workers as [Session];
      const [id] = ids as [number];
      const files = await deliveryOf(worker);
      const deliveredAndPaid = async () => {
        const delivered = await deliver(worker, id, files);
        return { delivered, paid: await post('/user/goods/pay', owner, { id }) };
      };
      const {
        released,
        other: { delivered, paid },
      } = pinned
        ? await releaseWhile(id, deliveredAndPaid)
        : await Promise.all([appCodeOf(release(id)), deliveredAndPaid()]).then(([r, o]) => ({
            released: r,
            other: o,
          }));
      if (released === 'done') {
        expect(delivered.body.err).toBe('未被选中或已付款，不能提交成果');
        expect(paid.body.err).toBe('成果未提交，不能确认付款');
        expect(await admin.demands.returnEscrow.mutate({ id: demandId })).toEqual({ refundedFen: 4_000 });
        expect([await balanceOf(owner), await balanceOf(worker)]).toEqual([4_000, 0]);
      } else {
        // Delivered before the release looked (and maybe paid, which settles): refused, and paid.
        expect(['APPLICATION_DELIVERED', 'DEMAND_SETTLED']).toContain(released);
        expect(paid.body.res).toBe(1);
        expect([await balanceOf(owner), await balanceOf(worker)]).toEqual([0, 4_000]);
      }
      await expectMoneyConserved(db());
      return released;
    };
    expect(await race(true)).toBe('done');
    for (let round = 0; round < 3; round++) await race(false);
  });

  it('ends a release racing the owner’s payment of another selected applicant with money conserved either way', async () => {
    const race = async (pinned: boolean) => {
      const { owner, workers, demandId, ids } = await selectedOn('100.01', 2);
      const [payee, idle] = workers as [Session, Session];
      const [payeeId, idleId] = ids as [number, number];
      expect((await deliver(payee, payeeId)).body.res).toBe(1);
      const pay = () => post('/user/goods/pay', owner, { id: payeeId });
      const { released, other: paid } = pinned
        ? await releaseWhile(idleId, pay)
        : await Promise.all([appCodeOf(release(idleId)), pay()]).then(([r, p]) => ({
            released: r,
            other: p,
          }));
      // Both go through; the payment pays the share the payee has when it runs: half before the
      // release, the whole escrow after it (which settles the demand).
      expect(released).toBe('done');
      expect(paid.body.res).toBe(1);
      const payeeGot = await balanceOf(payee);
      expect([5_001, 10_001]).toContain(payeeGot);
      if (payeeGot === 5_001) {
        // Paid first: the rest waits in escrow for nobody, and goes back.
        expect(await admin.demands.returnEscrow.mutate({ id: demandId })).toEqual({ refundedFen: 5_000 });
      } else {
        expect(await appCodeOf(admin.demands.returnEscrow.mutate({ id: demandId }))).toBe('DEMAND_SETTLED');
      }
      expect(await balanceOf(owner)).toBe(10_001 - payeeGot);
      expect(await balanceOf(idle)).toBe(0);
      expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({ suan: '已结算' });
      await expectMoneyConserved(db());
      return payeeGot;
    };
    // Pinned: the payment waits for the demand the release holds, and then pays the whole escrow.
    expect(await race(true)).toBe(10_001);
    for (let round = 0; round < 3; round++) await race(false);
  });
});
