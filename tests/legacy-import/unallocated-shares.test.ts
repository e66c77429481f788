import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import { openServices } from '../support/services.js';
import type { TestApp } from '../support/test-app.js';
import { importForSuite, runImport } from './run-import.js';

/*
 * A paid demand whose selected applicants the old data allocated nothing (goods_order.price 0):
 * the deployed client pays the row's price, so each would be paid 0 and the last payout would hand
 * the whole escrow back to the employer. The import shares among them what escrow holds beyond the
 * shares the old data did allocate (all of it when none was), as a selection here does, and says
 * so; the shares allocated are kept, and a demand with nothing left for them is listed as stuck.
 */

const employer = 1;

async function fill(db: LegacyDatabase): Promise<void> {
  await db.insert('users', [
    { id: employer, phone: '13800000201', usertype: 2 },
    { id: 2, phone: '13900000202', usertype: 1 },
    { id: 3, phone: '13900000203', usertype: 1 },
  ]);
  const demand = { title: '需求', des: '', show: 1, user_id: employer, pay: 1, suan: 0 };
  await db.insert('h_goods', [
    // Two selected, neither allocated anything: 90.01 to share.
    { ...demand, id: 401, goodsid: 'G401', price: '90.01', order_id: '411,412' },
    // One of the two allocated 30.00 by the employer: kept; the 70.00 beyond it is the other's.
    { ...demand, id: 402, goodsid: 'G402', price: '100.00', order_id: '421,422' },
    // One paid 20.00 already, the other allocated nothing: the 30.00 left is its share.
    { ...demand, id: 403, goodsid: 'G403', price: '50.00', order_id: '431,432' },
    // One allocated the whole price, the other nothing: nothing is left to share.
    { ...demand, id: 404, goodsid: 'G404', price: '50.00', order_id: '441,442' },
  ]);
  const application = { msg: '', time: 1, state: 1, ok: 1 };
  await db.insert('h_goods_order', [
    { ...application, id: 411, goods_id: 401, user_id: 2, price: '0', pay: 0 },
    { ...application, id: 412, goods_id: 401, user_id: 3, price: '0.00', pay: 0 },
    { ...application, id: 421, goods_id: 402, user_id: 2, price: '30.00', pay: 0 },
    { ...application, id: 422, goods_id: 402, user_id: 3, price: '0.00', pay: 0 },
    { ...application, id: 431, goods_id: 403, user_id: 2, price: '20.00', pay: 1 },
    { ...application, id: 432, goods_id: 403, user_id: 3, price: '0.00', pay: 0 },
    { ...application, id: 441, goods_id: 404, user_id: 2, price: '50.00', pay: 0 },
    { ...application, id: 442, goods_id: 404, user_id: 3, price: '0.00', pay: 0 },
  ]);
}

describe.skipIf(!testDatabaseUrl).each(backends)(
  'escrow of selected applicants allocated nothing ($name)',
  (backend) => {
    let legacy: LegacyDatabase;
    let t: TestApp;
    let report: ImportReport;

    importForSuite(backend, fill, (imported) => ({ legacy, t, report } = imported));

    const allocations = async () => {
      const rows = await t.stores.database.db
        .selectFrom('applications')
        .select(['id', 'allocated_fen'])
        .orderBy('id')
        .execute();
      return Object.fromEntries(rows.map((row) => [row.id, Number(row.allocated_fen)]));
    };

    it('is shared among them evenly, as a selection does, and the report names each demand', async () => {
      expect(report.refusalCount).toBe(0);
      expect(report.sharedEscrow).toEqual([
        { demandId: 401, sharedFen: 9001, applicationIds: [411, 412] },
        { demandId: 402, sharedFen: 7000, applicationIds: [422] },
        { demandId: 403, sharedFen: 3000, applicationIds: [432] },
      ]);
      expect(await allocations()).toEqual({
        ...{ 411: 4501, 412: 4500, 421: 3000, 422: 7000, 431: 2000, 432: 3000 },
        ...{ 441: 5000, 442: 0 },
      });
      const text = report.format();
      expect(text).toContain(
        'shares allocated: 3 paid demands had selected, unpaid applications allocated nothing',
      );
      expect(text).toContain('\n  demand 401: 90.01 yuan among applications 411, 412');
      expect(text).toContain('\n  demand 402: 70.00 yuan among applications 422');
      expect(text).toContain('\n  demand 403: 30.00 yuan among applications 432');
      expect(report.ledgerProblems).toEqual([]);
    });

    it('lists a demand whose escrow holds nothing beyond the shares allocated as stuck, saying why', () => {
      expect(report.stuckDemands.map((d) => d.id)).toEqual([404]);
      expect(report.format()).toContain(
        '\n  demand 404: escrow holds 50.00 yuan, no more than its 2 selected, unpaid applications (allocated 50.00 yuan), and 1 of them was allocated nothing: the client pays those 0',
      );
    });

    it('pays each applicant its share as the client pays it, the row’s price, and settles with nothing returned', async () => {
      const { services, close } = await openServices(t);
      try {
        expect(await services.money.payApplication(employer, 411, undefined)).toMatchObject({
          paidFen: 4501,
        });
        expect(await services.money.payApplication(employer, 412, undefined)).toEqual({
          paidFen: 4500,
          settled: true,
          refundedFen: 0,
        });
      } finally {
        await close();
      }
    });

    it('finds nothing more to share when run again', async () => {
      const again = await runImport(t, legacy.url);
      expect(again.sharedEscrow).toEqual([]);
      expect(again.format()).not.toContain('shares allocated');
      expect((await allocations())[432]).toBe(3000);
    });
  },
);
