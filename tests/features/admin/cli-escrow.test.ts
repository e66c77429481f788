import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../../client-sdk/index.js';
import { importForSuite } from '../../legacy-import/run-import.js';
import { runAdmin } from '../../support/admin-cli.js';
import { adminSession } from '../../support/auth-flow.js';
import { backends, testDatabaseUrl, withPrivateDatabase } from '../../support/backends.js';
import type { LegacyDatabase } from '../../support/legacy-db.js';
import {
  approvedWithApplicants,
  fundAndPay,
  legacyCalls,
  type Session,
  uploadFile,
} from '../../support/marketplace-flow.js';
import { expectMoneyConserved, walletBalanceOf } from '../../support/money-checks.js';
import { samplePng, sampleZip } from '../../support/sample-files.js';
import { openServices } from '../../support/services.js';
import { listen, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * The console's two money-unsticking actions from the operator's shell: `return-escrow`
 * (退回托管款, `demands.returnEscrow`) and `release-selection` (释放接单人,
 * `demands.releaseSelection`). Each does what the console's does, recorded in the audit trail as the
 * CLI's (no admin account); a flag it cannot read, or an action the service refuses, fails the
 * command and changes nothing. Redis plays no part, so the cluster backend is left out.
 */
const stores = backends.filter((backend) => backend.name !== 'mysql+redis-cluster');

describe.each(stores)('return-escrow and release-selection in the admin CLI ($name)', (backend) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    // A database of its own: the conservation check sums every wallet, escrow and ledger entry.
    t = await startTestApp(withPrivateDatabase(backend));
    const url = await listen(t);
    admin = createClient({ url, token: (await adminSession(t)).token });
  }, 60_000);
  afterAll(() => t.close());

  const { okData } = legacyCalls(() => t);
  const db = () => t.stores.database.db;
  const balanceOf = async (session: Session) =>
    (await admin.admin.user.query({ userId: session.userId })).balanceFen;
  const detailOf = (demandId: number) => admin.admin.demand.query({ id: demandId });
  const sharesOf = async (demandId: number) =>
    (await detailOf(demandId)).applications.map((a) => [a.id, a.selected, a.allocatedFen]);
  const recorded = async (userId: number, action: string) =>
    (await admin.admin.auditLog.query({ userId, perPage: 100 })).items.filter(
      (entry) => entry.action === action,
    );

  /** A paid demand with `applicants` applications, the first `selecting` of them selected. */
  async function selectedOn(price: string, applicants: number, selecting: number) {
    const { owner, workers, demandId, ids } = await approvedWithApplicants(t, price, applicants);
    await fundAndPay(t, owner, demandId, price);
    if (selecting > 0) {
      await okData('/user/goods/ok', owner, {
        goods_id: demandId,
        order_id: ids.slice(0, selecting).join(','),
      });
    }
    return { owner, workers, demandId, ids };
  }

  it("return-escrow gives a paid demand's escrow back to its owner's wallet, recorded as the CLI's", async () => {
    const { owner, demandId } = await selectedOn('60.50', 1, 0);
    expect(await balanceOf(owner)).toBe(0);

    const answer = await runAdmin(t, 'return-escrow', { id: String(demandId), reason: '无人合适' });

    expect(answer).toBe(`demand ${demandId}: escrow of 60.50 yuan returned to its owner`);
    expect(await balanceOf(owner)).toBe(6_050);
    expect((await detailOf(demandId)).demand.escrowFen).toBe(0);
    expect(await okData('/user/goods/info', owner, { id: demandId })).toMatchObject({ pay: '未支付' });
    const [record, ...more] = await recorded(owner.userId, 'demands.returnEscrow');
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      adminId: null,
      targetType: 'demand',
      targetId: demandId,
      detail: { id: demandId, reason: '无人合适' },
      before: { paid: true, settled: false, escrowFen: 6_050 },
      after: { paid: false, settled: false, escrowFen: 0 },
    });
    await expectMoneyConserved(db());
  });

  it('release-selection unselects the applicant and shares the escrow anew; the last released, return-escrow gives it all back', async () => {
    const { owner, workers, demandId, ids } = await selectedOn('100.01', 3, 3);
    const [first, second, third] = ids as [number, number, number];
    expect(await sharesOf(demandId)).toEqual([
      [first, true, 3_334],
      [second, true, 3_334],
      [third, true, 3_333],
    ]);

    const answer = await runAdmin(t, 'release-selection', {
      'application-id': String(first),
      reason: '逾期未交付',
    });

    expect(answer).toBe(`application ${first} released: no longer selected`);
    expect(await sharesOf(demandId)).toEqual([
      [first, false, 0],
      [second, true, 5_001],
      [third, true, 5_000],
    ]);
    const [record, ...more] = await recorded((workers[0] as Session).userId, 'demands.releaseSelection');
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      adminId: null,
      targetType: 'application',
      targetId: first,
      detail: { applicationId: first, reason: '逾期未交付' },
      before: { selected: true, allocatedFen: 3_334, escrowFen: 10_001 },
      after: { selected: false, allocatedFen: 0, escrowFen: 10_001 },
    });

    // Nobody left selected: the whole escrow goes back to the owner, whom no applicant was paid by.
    await runAdmin(t, 'release-selection', { 'application-id': String(second), reason: '联系不上' });
    await runAdmin(t, 'release-selection', { 'application-id': String(third), reason: '联系不上' });
    expect(await runAdmin(t, 'return-escrow', { id: String(demandId) })).toBe(
      `demand ${demandId}: escrow of 100.01 yuan returned to its owner`,
    );
    expect(await balanceOf(owner)).toBe(10_001);
    for (const worker of workers) expect(await balanceOf(worker)).toBe(0);
    await expectMoneyConserved(db());
  });

  it('refuses a flag it cannot read exactly, naming it, and changes nothing', async () => {
    const unselected = await selectedOn('30', 1, 0);
    const selected = await selectedOn('40', 2, 2);
    const [releasable] = selected.ids as [number];
    const shares = await sharesOf(selected.demandId);
    const tooLong = '长'.repeat(256);

    // Hex, exponent and decimals would each be read by Number() as some number: refused instead.
    for (const id of [`0x${unselected.demandId.toString(16)}`, `${unselected.demandId}.0`, '', undefined]) {
      await expect(runAdmin(t, 'return-escrow', { id }), String(id)).rejects.toThrow(/^--id: /);
    }
    await expect(
      runAdmin(t, 'return-escrow', { id: String(unselected.demandId), reason: tooLong }),
    ).rejects.toThrow(/^--reason: /);
    for (const applicationId of [`${releasable}e0`, `+${releasable}`, undefined]) {
      await expect(
        runAdmin(t, 'release-selection', { 'application-id': applicationId, reason: '逾期' }),
        String(applicationId),
      ).rejects.toThrow(/^--application-id: /);
    }
    // As in the console, a release says why: a reason missing, blank or too long is refused.
    for (const reason of [undefined, '   ', tooLong]) {
      await expect(
        runAdmin(t, 'release-selection', { 'application-id': String(releasable), reason }),
        String(reason),
      ).rejects.toThrow(/^--reason: /);
    }

    expect((await detailOf(unselected.demandId)).demand.escrowFen).toBe(3_000);
    expect(await balanceOf(unselected.owner)).toBe(0);
    expect(await sharesOf(selected.demandId)).toEqual(shares);
    expect(await recorded(unselected.owner.userId, 'demands.returnEscrow')).toEqual([]);
    for (const worker of selected.workers)
      expect(await recorded(worker.userId, 'demands.releaseSelection')).toEqual([]);
  });

  it("fails with the service's refusal, as the console shows it, and changes nothing", async () => {
    const { owner, workers, demandId, ids } = await selectedOn('90', 3, 2);
    const [deliverer] = workers as [Session];
    const [deliveredId, idleId, unselectedId] = ids as [number, number, number];
    await okData('/user/goods_order/ok', deliverer, {
      id: deliveredId,
      over: await uploadFile(t, deliverer, samplePng(), 'preview.png'),
      source: await uploadFile(t, deliverer, sampleZip(), 'result.zip'),
    });
    const unpaid = await approvedWithApplicants(t, '10', 0);
    const shares = await sharesOf(demandId);

    const refusals: [string, Record<string, unknown>, string, RegExp][] = [
      [
        'release-selection',
        { 'application-id': String(deliveredId) },
        'APPLICATION_DELIVERED',
        /the owner must confirm and pay/,
      ],
      ['release-selection', { 'application-id': String(unselectedId) }, 'APPLICATION_NOT_SELECTED', /./],
      ['release-selection', { 'application-id': '999999999' }, 'NOT_FOUND', /./],
      ['return-escrow', { id: String(demandId) }, 'DEMAND_HAS_SELECTION', /has selected applicants/],
      ['return-escrow', { id: String(unpaid.demandId) }, 'NOTHING_IN_ESCROW', /holds nothing in escrow/],
    ];
    for (const [command, flags, appCode, message] of refusals) {
      // The error the CLI prints (`error: <message>`, exit code 1), the action's own.
      await expect(runAdmin(t, command, { ...flags, reason: '试试' }), appCode).rejects.toMatchObject({
        appCode,
        message: expect.stringMatching(message),
      });
    }

    expect(await sharesOf(demandId)).toEqual(shares);
    expect((await detailOf(demandId)).demand.escrowFen).toBe(9_000);
    expect(await balanceOf(owner)).toBe(0);
    expect(await recorded(owner.userId, 'demands.returnEscrow')).toEqual([]);
    for (const worker of workers)
      expect(await recorded(worker.userId, 'demands.releaseSelection')).toEqual([]);
    // The idle one can still be released, and the delivered one still paid.
    await runAdmin(t, 'release-selection', { 'application-id': String(idleId), reason: '逾期未交付' });
    await okData('/user/goods/pay', owner, { id: deliveredId });
    expect(await balanceOf(deliverer)).toBe(9_000);
    await expectMoneyConserved(db());
  });
});

/**
 * An unpaid demand with selected applicants exists only as imported: the service lets nobody be
 * selected before the demand is paid. Its shares are the old backend's, kept for when its owner pays
 * it (ApplicationService.release), so releasing one of them leaves the others' shares alone instead
 * of sharing an empty escrow among them. The old database needs MySQL.
 */
describe.skipIf(!testDatabaseUrl).each(stores)(
  'releasing an applicant of an imported, unpaid demand ($name)',
  (backend) => {
    const employer = 1;
    /** Demand 501, 90.00, never paid; 511 (40.00, not delivered), 512 (30.00) and 513 (20.00, both delivered) selected. */
    async function fill(legacy: LegacyDatabase): Promise<void> {
      await legacy.insert('users', [
        { id: employer, phone: '13800000501', usertype: 2 },
        { id: 2, phone: '13900000502', usertype: 1 },
        { id: 3, phone: '13900000503', usertype: 1 },
        { id: 4, phone: '13900000504', usertype: 1 },
      ]);
      await legacy.insert('h_goods', [
        {
          id: 501,
          goodsid: 'G501',
          user_id: employer,
          title: '需求',
          des: '',
          show: 1,
          price: '90.00',
          order_id: '511,512,513',
          pay: 0,
          suan: 0,
        },
      ]);
      const application = { goods_id: 501, msg: '', time: 1, state: 1, pay: 0 };
      await legacy.insert('h_goods_order', [
        { ...application, id: 511, user_id: 2, price: '40.00', ok: 0 },
        { ...application, id: 512, user_id: 3, price: '30.00', ok: 1 },
        { ...application, id: 513, user_id: 4, price: '20.00', ok: 1 },
      ]);
      // Enough for the employer to pay the demand's price.
      await legacy.insert('h_account', [{ id: 1, uid: employer, amount: '90.00', last_time: 0 }]);
    }

    let legacy: LegacyDatabase;
    let t: TestApp;
    importForSuite(backend, fill, (imported) => ({ legacy, t } = imported));

    const db = () => t.stores.database.db;
    const applications = () =>
      db()
        .selectFrom('applications')
        .select(['id', 'selected', 'allocated_fen'])
        .where('demand_id', '=', 501)
        .orderBy('id')
        .execute()
        .then((rows) => rows.map((row) => [row.id, row.selected, Number(row.allocated_fen)]));
    const demand = () =>
      db()
        .selectFrom('demands')
        .select(['paid', 'settled', 'escrow_fen'])
        .where('id', '=', 501)
        .executeTakeFirstOrThrow();
    const walletOf = (userId: number) => walletBalanceOf(db(), userId);

    it('keeps the imported shares of the others, and the owner pays them from the escrow paid later', async () => {
      const { services, close } = await openServices(t);
      try {
        expect(await applications()).toEqual([
          [511, 1, 4_000],
          [512, 1, 3_000],
          [513, 1, 2_000],
        ]);

        await services.adminActions.releaseSelection(
          { adminId: null },
          { applicationId: 511, reason: '逾期未交付' },
        );

        expect(await applications()).toEqual([
          [511, 0, 0],
          [512, 1, 3_000],
          [513, 1, 2_000],
        ]);
        expect(await demand()).toMatchObject({ paid: 0, settled: 0 });
        expect(Number((await demand()).escrow_fen)).toBe(0);

        // Paid now, the escrow goes to those still selected as their old shares say; paying the
        // last of them settles the demand and gives the released share back to the owner.
        await services.money.payDemand(employer, 501);
        expect(Number((await demand()).escrow_fen)).toBe(9_000);
        expect(await applications()).toEqual([
          [511, 0, 0],
          [512, 1, 3_000],
          [513, 1, 2_000],
        ]);
        await services.money.payApplication(employer, 512, undefined);
        await services.money.payApplication(employer, 513, undefined);
        expect([await walletOf(3), await walletOf(4), await walletOf(2)]).toEqual([3_000, 2_000, 0]);
        expect(await demand()).toMatchObject({ paid: 1, settled: 1 });
        expect(Number((await demand()).escrow_fen)).toBe(0);
        // 90.00 imported, 90.00 paid in, 40.00 (the released share) back. The conservation check
        // does not apply: imported balances are openings, not money received from outside.
        expect(await walletOf(employer)).toBe(4_000);
      } finally {
        await close();
      }
    });
  },
);
