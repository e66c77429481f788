import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/src/errors.js';
import type { StuckDemand } from '../../server/src/legacy-import/checks.js';
import { importLegacy as importCommand } from '../../server/src/legacy-import/command.js';
import { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import { openServices } from '../support/services.js';
import type { TestApp } from '../support/test-app.js';
import { importForSuite, runImport } from './run-import.js';

/*
 * Old money that imports without a refusal but leaves the employer unable to pay the selected
 * applicants as they were promised: the report lists such demands as warnings, with their amounts,
 * and the exit code does not change for them.
 */

const employer = 1;

async function fill(db: LegacyDatabase): Promise<void> {
  await db.insert('users', [
    { id: employer, phone: '13800000101', usertype: 2 },
    { id: 2, phone: '13900000102', usertype: 1 },
    { id: 3, phone: '13900000103', usertype: 1 },
  ]);
  const demand = { title: '需求', des: '', show: 1 };
  await db.insert('h_goods', [
    // Paid, unsettled: 100.00 in escrow, 70.00 + 50.00 allocated to the two selected.
    {
      ...demand,
      id: 301,
      goodsid: 'G301',
      user_id: employer,
      price: '100.00',
      order_id: '311,312',
      pay: 1,
      suan: 0,
    },
    // Applicants selected, the demand never paid.
    {
      ...demand,
      id: 302,
      goodsid: 'G302',
      user_id: employer,
      price: '80.00',
      order_id: '321',
      pay: 0,
      suan: 0,
    },
    // Settled with a selected applicant left unpaid: its escrow is empty.
    {
      ...demand,
      id: 303,
      goodsid: 'G303',
      user_id: employer,
      price: '50.00',
      order_id: '331',
      pay: 1,
      suan: 1,
    },
    // Consistent: 100.00 paid, 60.00 paid out, the 40.00 left allocated to the one still to be paid.
    {
      ...demand,
      id: 304,
      goodsid: 'G304',
      user_id: employer,
      price: '100.00',
      order_id: '341,342',
      pay: 1,
      suan: 0,
    },
    // Unpaid, nobody selected: nothing to pay yet.
    { ...demand, id: 305, goodsid: 'G305', user_id: employer, price: '10.00', order_id: '', pay: 0, suan: 0 },
    // Paid, its one selected applicant paid 30.00 of the 50.00, never settled: 20.00 left behind.
    {
      ...demand,
      id: 306,
      goodsid: 'G306',
      user_id: employer,
      price: '50.00',
      order_id: '361',
      pay: 1,
      suan: 0,
    },
  ]);
  const application = { msg: '', time: 1, state: 1, ok: 1 };
  await db.insert('h_goods_order', [
    { ...application, id: 311, goods_id: 301, user_id: 2, price: '70.00', pay: 0 },
    { ...application, id: 312, goods_id: 301, user_id: 3, price: '50.00', pay: 0 },
    { ...application, id: 321, goods_id: 302, user_id: 2, price: '80.00', pay: 0 },
    { ...application, id: 331, goods_id: 303, user_id: 2, price: '50.00', pay: 0 },
    { ...application, id: 341, goods_id: 304, user_id: 2, price: '40.00', pay: 0 },
    { ...application, id: 342, goods_id: 304, user_id: 3, price: '60.00', pay: 1 },
    { ...application, id: 351, goods_id: 305, user_id: 2, price: '0.00', pay: 0, state: 0, ok: 0 },
    { ...application, id: 361, goods_id: 306, user_id: 3, price: '30.00', pay: 1 },
  ]);
  // Enough for the employer to pay demand 302's price.
  await db.insert('h_account', [{ id: 1, uid: employer, amount: '100.00', last_time: 0 }]);
}

const overAllocated: StuckDemand = {
  id: 301,
  paid: 1,
  settled: 0,
  priceFen: 10_000,
  escrowFen: 10_000,
  allocatedFen: 12_000,
  unpaid: 2,
  unallocated: 0,
};
const neverPaid: StuckDemand = {
  id: 302,
  paid: 0,
  settled: 0,
  priceFen: 8000,
  escrowFen: 0,
  allocatedFen: 8000,
  unpaid: 1,
  unallocated: 0,
};
const settled: StuckDemand = {
  id: 303,
  paid: 1,
  settled: 1,
  priceFen: 5000,
  escrowFen: 0,
  allocatedFen: 5000,
  unpaid: 1,
  unallocated: 0,
};
const leftBehind: StuckDemand = {
  id: 306,
  paid: 1,
  settled: 0,
  priceFen: 5000,
  escrowFen: 2000,
  allocatedFen: 0,
  unpaid: 0,
  unallocated: 0,
};

const lines = {
  overAllocated:
    'demand 301: escrow holds 100.00 yuan, 20.00 less than its 2 selected, unpaid applications (allocated 120.00 yuan)',
  neverPaid:
    "demand 302: never paid into escrow; paying its 1 selected, unpaid application (allocated 80.00 yuan) is refused (DEMAND_NOT_PAID) until the employer pays the demand's price, 80.00 yuan, from its wallet",
  settled:
    'demand 303: settled, so its escrow holds nothing; paying its 1 selected, unpaid application (allocated 50.00 yuan) is refused (ESCROW_TOO_LOW)',
  leftBehind:
    'demand 306: every selected application is paid, yet escrow still holds 20.00 yuan and the demand is not settled',
};

describe.skipIf(!testDatabaseUrl).each(backends)('demands imported stuck ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let report: ImportReport;

  importForSuite(backend, fill, (imported) => ({ legacy, t, report } = imported));

  it('lists the over-allocated, the never paid, the settled and the left-behind demand, and not the consistent ones', () => {
    expect(report.refusalCount).toBe(0);
    expect(report.stuckDemands).toEqual([overAllocated, neverPaid, settled, leftBehind]);
    const text = report.format();
    expect(text).toContain('stuck demands: 4 the employer cannot settle as imported');
    for (const line of Object.values(lines)) expect(text).toContain(`\n  ${line}`);
    expect(text).not.toMatch(/demand 30[45]:/);
    // Warnings: the import did not fail for them.
    expect(report.failed).toBe(false);
    expect(report.ledgerProblems).toEqual([]);
  });

  it('answers exit code 0 for them, and lists them again when run again', async () => {
    const { services, close } = await openServices(t);
    try {
      const work = await importCommand.prepare({ from: legacy.url, batch: '2' }, async () => '');
      const outcome = await work({
        config: t.config,
        database: t.stores.database,
        kv: t.stores.kv,
        services,
      });
      expect(outcome).toMatchObject({ exitCode: 0 });
      const message = typeof outcome === 'string' ? outcome : outcome.message;
      expect(message).toContain('stuck demands: 4 ');
      for (const line of Object.values(lines)) expect(message).toContain(line);
    } finally {
      await close();
    }
  });

  it('is right about what the employer sees, and no longer lists a demand once it is resolved', async () => {
    const { services, close } = await openServices(t);
    try {
      const pay = (applicationId: number) =>
        services.money.payApplication(employer, applicationId, undefined).then(
          () => 'paid',
          (error: unknown) => (error instanceof AppError ? error.appCode : error),
        );
      expect(await pay(321)).toBe('DEMAND_NOT_PAID');
      expect(await pay(331)).toBe('ESCROW_TOO_LOW');
      // 301: the first share is paid; the 30.00 left are shared anew, so 312 gets less than its 50.00.
      expect(await pay(311)).toBe('paid');
      const share = await t.stores.database.db
        .selectFrom('applications')
        .select('allocated_fen')
        .where('id', '=', 312)
        .executeTakeFirstOrThrow();
      expect(Number(share.allocated_fen)).toBe(3000);
      // 302: the employer pays the demand into escrow; its applicant can be paid now.
      await services.money.payDemand(employer, neverPaid.id);
      // 306: an operator gives back what is left, which settles it.
      expect(await services.money.returnEscrow(leftBehind.id)).toEqual({ refundedFen: 2000 });
    } finally {
      await close();
    }
    const again = await runImport(t, legacy.url);
    expect(again.refusalCount).toBe(0);
    expect(again.stuckDemands).toEqual([settled]);
    expect(again.format()).not.toMatch(/demand 30[12456]:/);
  });
});

describe('the report of stuck demands', () => {
  it('lists 20 one by one and counts the rest, and is left out of a dry run', () => {
    const report = new ImportReport(false);
    report.stuckDemands = Array.from({ length: 25 }, (_, i) => ({ ...neverPaid, id: 1000 + i }));
    const text = report.format();
    expect(text).toContain('stuck demands: 25 the employer');
    expect(text).toContain('\n  demand 1019: never paid');
    expect(text).not.toContain('demand 1020:');
    expect(text).toContain('\n  ... and 5 more');
    expect(report.failed).toBe(false);
    expect(new ImportReport(false).format()).toContain(
      "stuck demands: none, every selected, unpaid application is covered by its demand's escrow, and no escrow is left behind",
    );
    expect(new ImportReport(true).format()).not.toContain('stuck demands');
  });
});
