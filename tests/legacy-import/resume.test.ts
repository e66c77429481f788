import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerProblems } from '../../server/src/legacy-import/checks.js';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { ImportStopped } from '../../server/src/legacy-import/runner.js';
import { backends, testDatabaseUrl, withPrivateDatabase } from '../support/backends.js';
import { createLegacyDatabase, type LegacyDatabase, legacyTables } from '../support/legacy-db.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { expected, fillOldDatabase } from './old-data.js';
import { runImport } from './run-import.js';

const tables = [
  'users',
  'person_verifications',
  'individual_business_partners',
  'resume_skills',
  'demands',
  'demand_files',
  'applications',
  'wallets',
  'ledger_entries',
  'recharges',
  'invoice_requests',
  'legacy_files',
  'imported_sessions',
] as const;

async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const db = t.stores.database.db;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/** What the rows hold, for comparing two imports: every money column and every reference. */
async function contents(t: TestApp) {
  const db = t.stores.database.db;
  return {
    demands: await db
      .selectFrom('demands')
      .select(['id', 'order_no', 'escrow_fen', 'paid', 'settled'])
      .orderBy('id')
      .execute(),
    applications: await db
      .selectFrom('applications')
      .select(['id', 'selected', 'allocated_fen', 'paid_fen', 'files'])
      .orderBy('id')
      .execute(),
    wallets: await db.selectFrom('wallets').select(['user_id', 'balance_fen']).orderBy('user_id').execute(),
    ledger: await db
      .selectFrom('ledger_entries')
      .select(['idempotency_key', 'amount_fen', 'to_account'])
      .orderBy('idempotency_key')
      .execute(),
  };
}

describe.skipIf(!testDatabaseUrl).each(backends)('an interrupted import ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let whole: TestApp;
  let interrupted: TestApp;
  let fresh: TestApp;
  let wholeReport: ImportReport;

  beforeAll(async () => {
    legacy = await createLegacyDatabase(testDatabaseUrl as string);
    await fillOldDatabase(legacy);
    [whole, interrupted, fresh] = await Promise.all([
      startTestApp(withPrivateDatabase(backend)),
      startTestApp(withPrivateDatabase(backend)),
      startTestApp(withPrivateDatabase(backend)),
    ]);
    wholeReport = await runImport(whole, legacy.url, { batchSize: 1 });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([whole?.close(), interrupted?.close(), fresh?.close()]);
    await legacy?.drop();
  });

  it('finishes the job when run again after stopping at any batch, as if imported in one go', async () => {
    // Each run stops a few batches further in (the batches it skips count too), so runs break off
    // in every table, mid-table among them, until one gets to the end.
    let last: ImportReport | undefined;
    let runs = 0;
    for (let stopAfter = 4; !last; stopAfter += 5) {
      runs++;
      try {
        last = await runImport(interrupted, legacy.url, { batchSize: 1, stopAfterBatches: stopAfter });
      } catch (error) {
        expect(error).toBeInstanceOf(ImportStopped);
        expect(await ledgerProblems(interrupted.stores.database.db)).toEqual([]);
      }
    }
    expect(runs).toBeGreaterThan(5);
    for (const table of last.tables) {
      const want = expected[table.name as keyof typeof expected];
      expect(table.imported + table.skipped, table.name).toBe(want.imported);
      expect(
        table.refusals.map((r) => Number(r.id)),
        table.name,
      ).toEqual(want.refused);
    }
    expect(last.ledgerProblems).toEqual([]);
    expect(await rowCounts(interrupted)).toEqual(await rowCounts(whole));
    const [a, b] = [await contents(interrupted), await contents(whole)];
    expect(a.demands.map(({ order_no, ...rest }) => rest)).toEqual(
      b.demands.map(({ order_no, ...rest }) => rest),
    );
    expect(a.applications).toEqual(b.applications);
    expect(a.wallets).toEqual(b.wallets);
    expect(a.ledger).toEqual(b.ledger);
    expect(wholeReport.refusalCount).toBe(last.refusalCount);
  }, 180_000);

  it('writes nothing in a dry run, and reports what it would import', async () => {
    const report = await runImport(fresh, legacy.url, { dryRun: true });
    expect(report.format()).toContain('Dry run: nothing was written.');
    for (const table of report.tables) {
      const want = expected[table.name as keyof typeof expected];
      expect(table.imported, table.name).toBe(want.imported);
      expect(
        table.refusals.map((r) => Number(r.id)),
        table.name,
      ).toEqual(want.refused);
    }
    expect(Object.values(await rowCounts(fresh)).every((n) => n === 0)).toBe(true);
  });

  it('checks every old table and column it reads first, and reports what is missing', async () => {
    const broken = await createLegacyDatabase(testDatabaseUrl as string);
    try {
      await broken.execute('ALTER TABLE h_goods DROP COLUMN suan');
      await broken.execute('ALTER TABLE h_user_person_des DROP COLUMN `key`');
      await broken.execute('DROP TABLE h_bill_log');
      const report = await runImport(fresh, broken.url);
      expect(report.missing).toEqual([
        'table h_bill_log',
        'column h_user_person_des.key',
        'column h_goods.suan',
      ]);
      expect(report.failed).toBe(true);
      expect(report.format()).toContain('missing column h_goods.suan');
      expect(Object.values(await rowCounts(fresh)).every((n) => n === 0)).toBe(true);
    } finally {
      await broken.drop();
    }
  }, 60_000);

  it('names the tables after the options: another prefix, another users table', async () => {
    const renamed = await createLegacyDatabase(testDatabaseUrl as string);
    try {
      await fillOldDatabase(renamed);
      await renamed.execute('RENAME TABLE users TO hyq_user');
      for (const table of Object.keys(legacyTables).filter((name) => name.startsWith('h_'))) {
        await renamed.execute(`RENAME TABLE ${table} TO ${table.replace(/^h_/, 'hyq_')}`);
      }
      const defaults = await runImport(fresh, renamed.url, { dryRun: true });
      expect(defaults.missing).toHaveLength(15);
      const named = await runImport(fresh, renamed.url, {
        dryRun: true,
        prefix: 'hyq_',
        usersTable: 'hyq_user',
      });
      expect(named.missing).toEqual([]);
      expect(named.tables.map((t) => t.imported)).toEqual(Object.values(expected).map((e) => e.imported));
    } finally {
      await renamed.drop();
    }
  }, 60_000);
});
