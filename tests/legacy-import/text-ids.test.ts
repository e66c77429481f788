import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import { walletBalanceOf } from '../support/money-checks.js';
import type { TestApp } from '../support/test-app.js';
import { importForSuite } from './run-import.js';

/*
 * Owner ids kept as text (`varchar`): ` 5` and `5` are one user as the import reads them, but
 * MySQL's `group by` kept them apart, so a user's second account row, person record or
 * application to one demand was taken as a first one: two rows for one key reached the new
 * database, whose key refused the whole batch and stopped the import; or, a batch later, a
 * second balance was counted as imported before while it never was.
 */

async function fill(db: LegacyDatabase): Promise<void> {
  for (const [table, column] of [
    ['h_account', 'uid'],
    ['h_user_person', 'user_id'],
    ['h_goods_order', 'user_id'],
    ['h_invest_log', 'uid'],
  ]) {
    await db.execute(`ALTER TABLE ${table} MODIFY ${column} varchar(20) NOT NULL`);
  }
  await db.insert('users', [
    { id: 1, phone: '13900000501', usertype: 2 },
    { id: 5, phone: '13900000505', usertype: 1 },
  ]);
  await db.insert('h_account', [
    { id: 1, uid: '1', amount: '1.00' },
    { id: 2, uid: '5', amount: '10.00' },
    { id: 3, uid: ' 5', amount: '7.00' },
    { id: 4, uid: '05', amount: '10.00' },
  ]);
  await db.insert('h_user_person', [
    { id: 1, user_id: '5', name: '张三', state: 0 },
    { id: 2, user_id: '\t5', name: '张三', state: 1 },
  ]);
  await db.insert('h_goods', [{ id: 1, goodsid: 'T1', user_id: 1, title: 't', price: '10', des: '' }]);
  await db.insert('h_goods_order', [
    { id: 1, goods_id: 1, user_id: '5', msg: 'first', time: 1, price: '0' },
    { id: 2, goods_id: 1, user_id: '05', msg: 'again', time: 2, price: '0' },
  ]);
  await db.insert('h_invest_log', [{ id: 1, uid: ' 5', price: 10, time: 1, isbill: 1 }]);
  await db.insert('h_bill_log', [{ id: 1, uid: 5, price: '10.00', apptime: 2, opentime: 0, isbill: 0 }]);
}

describe.skipIf(!testDatabaseUrl).each(backends)('importing owner ids kept as text ($name)', (backend) => {
  let t: TestApp;
  let report: ImportReport;
  const refusals = (table: string) => report.tables.find((tally) => tally.name === table)?.refusals;

  importForSuite(backend, fill, (imported) => ({ t, report } = imported));

  it("refuses a user's second account row, and the money adds up", async () => {
    expect(refusals('account')).toEqual([
      { id: 3, reason: 'user 5 has account row 2 already' },
      { id: 4, reason: 'user 5 has account row 2 already' },
    ]);
    expect(report.money).toMatchObject({
      importedFen: 1100,
      skippedFen: 0,
      refusedYuan: '17.00',
      adds: true,
    });
    expect(await walletBalanceOf(t.stores.database.db, 5)).toBe(1000);
  });

  it('matches an invoice request to its recharge whichever way the uid is written', () => {
    expect(refusals('invest_log')).toEqual([]);
    expect(refusals('bill_log')).toEqual([]);
    expect(report.tables.find((tally) => tally.name === 'bill_log')?.imported).toBe(1);
  });

  it("refuses a user's second person record and second application to one demand", () => {
    expect(refusals('user_person')).toEqual([{ id: 2, reason: 'user 5 has person record 1 already' }]);
    expect(refusals('goods_order')).toEqual([
      { id: 2, reason: 'user 5 applied to demand 1 already (application 1)' },
    ]);
  });
});
