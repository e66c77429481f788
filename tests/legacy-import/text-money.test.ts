import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import type { TestApp } from '../support/test-app.js';
import { importForSuite } from './run-import.js';

/*
 * A balance kept as text (`varchar`), as many ThinkPHP schemas keep money. Each row reads exactly,
 * but MySQL's sum() of a text column adds DOUBLEs: 0.10 + 0.20 comes back as 0.30000000000000004,
 * which made the report say the wallets DO NOT EQUAL the old total when they did.
 */

async function fill(db: LegacyDatabase): Promise<void> {
  await db.execute("ALTER TABLE h_account MODIFY amount varchar(20) NOT NULL DEFAULT ''");
  await db.insert('users', [
    { id: 1, phone: '13900000201', usertype: 1 },
    { id: 2, phone: '13900000202', usertype: 1 },
    { id: 3, phone: '13900000203', usertype: 1 },
    { id: 4, phone: '13900000204', usertype: 1 },
    { id: 5, phone: '13900000205', usertype: 1 },
  ]);
  await db.insert('h_account', [
    { id: 1, uid: 1, amount: '0.10' },
    { id: 2, uid: 2, amount: '0.20' },
    { id: 3, uid: 3, amount: '12.345' },
    // No exact number: refused, and in neither sum.
    { id: 4, uid: 4, amount: '1e3' },
    { id: 5, uid: 5, amount: 'abc' },
  ]);
}

describe.skipIf(!testDatabaseUrl).each(backends)('importing money kept as text ($name)', (backend) => {
  let t: TestApp;
  let report: ImportReport;

  importForSuite(backend, fill, (imported) => ({ t, report } = imported));

  it('adds the old total exactly, row by row, so the wallets reconcile with it, short of amounts that are no number', () => {
    expect(report.money).toEqual({
      oldTotalYuan: '12.645',
      importedFen: 30,
      skippedFen: 0,
      refusedYuan: '12.345',
      unreadableRefused: 2,
      adds: false,
      readableAdds: true,
    });
    // The sum is right as far as it goes: it says so, and what it leaves out, not DOES NOT EQUAL.
    expect(report.format()).toContain(
      'wallets: old account total 12.645 yuan = 0.30 imported + 0.00 imported before + 12.345 refused, of the amounts that are exact numbers; besides, 2 refused amounts that are no exact number, in neither sum (see Refused)',
    );
    expect(report.refusalCount).toBe(3);
  });
});
