import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import type { TestApp } from '../support/test-app.js';
import { importForSuite } from './run-import.js';

/*
 * NULLs where the notes imply a value. A wallet row whose amount is NULL: MySQL's sum() leaves it
 * out, so it holds no money. Refused for want of an amount, it was counted as an amount that cannot
 * be added, and the report said the wallets DO NOT EQUAL the old total when they did. A demand with
 * no end time was refused as "timee is not a whole number: null".
 */

async function fill(db: LegacyDatabase): Promise<void> {
  await db.execute('ALTER TABLE h_account MODIFY amount decimal(12,3) NULL');
  await db.execute('ALTER TABLE h_goods MODIFY timee int(11) NULL');
  await db.insert('users', [
    { id: 1, phone: '13900000801', usertype: 1 },
    { id: 2, phone: '13900000802', usertype: 1 },
  ]);
  await db.insert('h_account', [
    { id: 1, uid: 1, amount: '88.88' },
    { id: 2, uid: 2, amount: null },
  ]);
  await db.insert('h_goods', [
    { id: 1, goodsid: 'N1', user_id: 1, title: 't', price: '10', des: '', timee: null },
  ]);
}

describe.skipIf(!testDatabaseUrl).each(backends)('importing NULLs ($name)', (backend) => {
  let t: TestApp;
  let report: ImportReport;

  importForSuite(backend, fill, (imported) => ({ t, report } = imported));

  it('refuses it, and the wallets still add up to the old total', () => {
    expect(report.tables.find((table) => table.name === 'account')?.refusals.map((r) => r.id)).toEqual([2]);
    expect(report.money).toMatchObject({
      oldTotalYuan: '88.880',
      importedFen: 8888,
      unreadableRefused: 0,
      adds: true,
    });
    expect(report.format()).toContain('wallets: old account total 88.880 yuan = 88.88 imported');
  });

  it('says a time is empty when it is NULL', () => {
    expect(report.tables.find((table) => table.name === 'goods')?.refusals).toEqual([
      { id: 1, reason: 'timee is empty (NULL)' },
    ]);
  });
});
