import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import type { TestApp } from '../support/test-app.js';
import { closeImported, importFresh } from './run-import.js';

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
  ]);
  await db.insert('h_account', [
    { id: 1, uid: 1, amount: '0.10' },
    { id: 2, uid: 2, amount: '0.20' },
    { id: 3, uid: 3, amount: '12.345' },
  ]);
}

describe.skipIf(!testDatabaseUrl).each(backends)('importing money kept as text ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let report: ImportReport;

  beforeAll(async () => {
    ({ legacy, t, report } = await importFresh(backend, fill));
  }, 60_000);
  afterAll(() => closeImported({ t, legacy }));

  it('adds the old total exactly, row by row, so the wallets reconcile with it', () => {
    expect(report.money).toEqual({
      oldTotalYuan: '12.645',
      importedFen: 30,
      skippedFen: 0,
      refusedYuan: '12.345',
      unreadableRefused: 0,
      adds: true,
    });
    expect(report.format()).toContain(
      'wallets: old account total 12.645 yuan = 0.30 imported + 0.00 imported before + 12.345 refused',
    );
  });
});
