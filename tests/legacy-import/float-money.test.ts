import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import type { TestApp } from '../support/test-app.js';
import { importForSuite } from './run-import.js';

/*
 * Money kept in FLOAT columns, which LEGACY-DB.md allows. The server prints a FLOAT with 6
 * significant digits (MariaDB answers `123457` for 123456.78), so an import reading what it prints
 * would take the wrong amount; what a float cannot tell apart to the fen is refused.
 */

const owner = { id: 1, token: 'f10a7f10a7f10a7f10a7f10a7f10a701' };
const worker = { id: 2, token: 'f10a7f10a7f10a7f10a7f10a7f10a702' };
const saver = { id: 4, token: 'f10a7f10a7f10a7f10a7f10a7f10a704' };

async function fill(db: LegacyDatabase): Promise<void> {
  for (const [table, column] of [
    ['h_account', 'amount'],
    ['h_goods', 'price'],
    ['h_goods_order', 'price'],
    ['h_invest_log', 'price'],
    ['h_bill_log', 'price'],
    ['h_user_geti', 'zhiben'],
  ]) {
    await db.execute(`ALTER TABLE ${table} MODIFY ${column} float DEFAULT NULL`);
  }
  await db.insert('users', [
    { id: 1, phone: '13900000101', token: owner.token, usertype: 2 },
    { id: 2, phone: '13900000102', token: worker.token, usertype: 1 },
    { id: 3, phone: '13900000103', usertype: 1 },
    { id: 4, phone: '13900000104', token: saver.token, usertype: 1 },
  ]);
  await db.insert('h_account', [
    { id: 1, uid: 1, amount: 123456.78 },
    // Stored as 1234567.875, as 1234567.87 and 1234567.88 would be too.
    { id: 2, uid: 2, amount: 1234567.89 },
    { id: 3, uid: 3, amount: 19.99 },
    // Exactly 957.1300048828125: mysql2 read that text as ...124, which no float is.
    { id: 4, uid: 4, amount: 957.13 },
  ]);
  await db.insert('h_user_geti', [{ id: 1, user_id: 1, name: '浮点小店', zhiben: 12345.67, state: 1 }]);
  await db.insert('h_goods', [
    {
      id: 1,
      goodsid: 'F1',
      user_id: 1,
      title: '浮点需求',
      price: 99999.99,
      des: '',
      order_id: '1',
      show: 1,
      pay: 1,
    },
  ]);
  await db.insert('h_goods_order', [
    { id: 1, goods_id: 1, user_id: 2, msg: '', time: 1, price: 33333.33, pay: 1, state: 1, ok: 1 },
  ]);
  await db.insert('h_invest_log', [{ id: 1, uid: 1, price: 123456.78, time: 1, isbill: 1 }]);
  await db.insert('h_bill_log', [{ id: 1, uid: 1, price: 123456.78, apptime: 2, opentime: 0, isbill: 0 }]);
}

describe.skipIf(!testDatabaseUrl).each(backends)(
  'importing money kept in FLOAT columns ($name)',
  (backend) => {
    let t: TestApp;
    let report: ImportReport;
    const post = (path: string, user: { id: number; token: string }, fields: Record<string, unknown> = {}) =>
      legacyPost(t.app, path, { user_id_check: String(user.id), token_check: user.token, ...fields });
    const refusals = (table: string) => report.tables.find((tally) => tally.name === table)?.refusals;

    importForSuite(backend, fill, (imported) => ({ t, report } = imported));

    it('takes each amount a float stands for exactly, to the fen', async () => {
      const info = await post('/user/info/info', owner);
      expect(info.body.data).toMatchObject({ balance: 123456.78, geti: { zhiben: 12345.67 } });
      expect((await post('/user/info/info', saver)).body.data).toMatchObject({ balance: 957.13 });
      const demand = await post('/user/goods/info', owner, { id: 1 });
      expect(demand.body.data).toMatchObject({ price: 99999.99, pay: '已经支付' });
      // 99999.99 paid in, 33333.33 paid out.
      expect(report.escrowFen).toBe(6_666_666);
      const mine = await post('/user/goods_order/info', worker, { id: 1 });
      expect(mine.body.data).toMatchObject({ price: 33333.33, pay: '已支付' });
      const recharges = await post('/user/invest_log/index', owner);
      expect(recharges.body.data).toMatchObject({ data: [{ id: 1, price: 123456.78 }] });
      const bills = await post('/user/bill_log/index', owner);
      expect(bills.body.data).toMatchObject({ data: [{ id: 1, price: 123456.78 }] });
      expect(report.ledgerProblems).toEqual([]);
    });

    it('refuses an amount the float cannot tell apart to the fen, and says why', async () => {
      expect(refusals('account')).toEqual([
        {
          id: 2,
          reason:
            'amount is a FLOAT holding 1234567.875, which 1234567.87 and 1234567.88 yuan are both stored as: the amount cannot be told',
        },
      ]);
      expect((await post('/user/info/info', worker)).body.data).toMatchObject({ balance: 0 });
      // The old total cannot be added to the fen either: the report says so instead of a sum.
      expect(report.money).toMatchObject({
        importedFen: 12_345_678 + 1999 + 95_713,
        unreadableRefused: 1,
        adds: false,
      });
    });
  },
);
