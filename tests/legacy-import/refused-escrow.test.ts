import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import type { TestApp } from '../support/test-app.js';
import { importForSuite } from './run-import.js';

/*
 * A paid, unsettled demand holds its employer's money in escrow. Refused (a title too long, an
 * owner not imported), that money stays behind, and the report only said "title is longer than
 * 100 characters": nothing told the operator that money was at stake, or how much.
 */

async function fill(db: LegacyDatabase): Promise<void> {
  await db.execute('ALTER TABLE h_goods MODIFY title varchar(255)');
  // Amounts as text, as some old schemas keep them: one may hold more decimals than fen.
  await db.execute("ALTER TABLE h_goods_order MODIFY price varchar(20) NOT NULL DEFAULT '0'");
  await db.insert('users', [{ id: 1, phone: '13900000401', usertype: 2 }]);
  const demand = { user_id: 1, titletype: 1, pricetype: 1, des: '', show: 1 };
  await db.insert('h_goods', [
    // Paid 1000.00, 300.00 paid out: 700.00 in escrow.
    { ...demand, id: 1, goodsid: 'E1', title: '长'.repeat(101), price: '1000.00', pay: 1, suan: 0 },
    // Its owner is gone: 50.00 in escrow.
    { ...demand, id: 2, goodsid: 'E2', user_id: 99, title: 'orphan', price: '50.00', pay: 1, suan: 0 },
    // Unpaid: nothing at stake, the reason alone.
    { ...demand, id: 3, goodsid: 'E3', title: '长'.repeat(101), price: '80.00', pay: 0, suan: 0 },
    { ...demand, id: 4, goodsid: 'E4', title: 'kept', price: '20.00', pay: 1, suan: 0 },
    // A payout of no exact amount: the escrow cannot be told, and the refusal says what can.
    { ...demand, id: 5, goodsid: 'E5', title: 'unreadable payout', price: '300.00', pay: 1, suan: 0 },
  ]);
  await db.insert('h_goods_order', [
    { id: 1, goods_id: 1, user_id: 1, msg: '', time: 1, price: '300.00', pay: 1 },
    { id: 2, goods_id: 5, user_id: 1, msg: '', time: 1, price: '12.345', pay: 1 },
    { id: 3, goods_id: 5, user_id: 1, msg: '', time: 1, price: '100.00', pay: 1 },
  ]);
}

describe.skipIf(!testDatabaseUrl).each(backends)('refused demands holding escrow ($name)', (backend) => {
  let t: TestApp;
  let report: ImportReport;

  importForSuite(backend, fill, (imported) => ({ t, report } = imported));

  it('says in each refusal how much escrow stays behind, and in all', () => {
    expect(report.tables.find((tally) => tally.name === 'goods')?.refusals).toEqual([
      {
        id: 1,
        reason:
          'title is longer than 100 characters (101); it holds 700.00 yuan in escrow, which is not imported',
      },
      {
        id: 2,
        reason:
          'user 99 was not imported (not in the old database); it holds 50.00 yuan in escrow, which is not imported',
      },
      { id: 3, reason: 'title is longer than 100 characters (101)' },
      {
        id: 5,
        reason:
          'paid application 2 (12.345) has no readable price; its escrow, 300.00 yuan less 100.00 paid out to the others less what that one was paid, cannot be told, and is not imported',
      },
    ]);
    expect(report.escrowFen).toBe(2000);
    expect(report.refusedEscrowFen).toBe(75_000);
    expect(report.format()).toContain('escrow of refused demands: 750.00 yuan, not imported');
  });
});
