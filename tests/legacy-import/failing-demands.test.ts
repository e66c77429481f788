import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { type Backend, backends, testDatabaseUrl, withPrivateDatabase } from '../support/backends.js';
import { createLegacyDatabase, type LegacyDatabase } from '../support/legacy-db.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { closeImported, importForSuite, runImport } from './run-import.js';

/*
 * A demand's attachments and applications are decided right behind the demands (frontier.ts), on
 * steps of their own. A demand that is not imported must not leave any of them, nor money, behind:
 * refused with it when the demand is refused; and when its batch cannot be written (whatever the
 * database answers), never written, though the batch fails again at every run. They were decided
 * as soon as the demands' batch was, and written meanwhile: each run left them in the new
 * database, pointing at a demand it never held.
 */

async function fill(db: LegacyDatabase): Promise<void> {
  await db.execute('ALTER TABLE h_goods MODIFY title varchar(255)');
  await db.insert('users', [
    { id: 1, phone: '13900000801', usertype: 2 },
    { id: 2, phone: '13900000802', usertype: 1 },
  ]);
  const demand = { user_id: 1, titletype: 1, pricetype: 1, des: '', show: 1 };
  await db.insert('h_goods', [
    { ...demand, id: 1, goodsid: 'F1', title: 'kept', price: '10.00' },
    // Refused (title too long), paid 100.00 with 30.00 paid out: 70.00 left in escrow.
    { ...demand, id: 2, goodsid: 'F2', title: '长'.repeat(101), price: '100.00', pay: 1, order_id: '2' },
    // The batch test's demand that cannot be written: paid 50.00, nothing paid out.
    { ...demand, id: 3, goodsid: 'F3', title: 'cannot be written', price: '50.00', pay: 1, order_id: '3' },
    { ...demand, id: 4, goodsid: 'F4', title: 'behind it', price: '20.00' },
  ]);
  await db.insert('h_goods_file', [
    { id: 1, goods_id: 1, url: '/uploads/goods/1.png' },
    { id: 2, goods_id: 2, url: '/uploads/goods/2.png' },
    { id: 3, goods_id: 3, url: '/uploads/goods/3.png' },
    { id: 4, goods_id: 4, url: '/uploads/goods/4.png' },
  ]);
  const application = { user_id: 2, msg: '', time: 1, state: 0, pay: 0, price: '0' };
  await db.insert('h_goods_order', [
    { ...application, id: 1, goods_id: 1 },
    { ...application, id: 2, goods_id: 2, price: '30.00', pay: 1, state: 1 },
    { ...application, id: 3, goods_id: 3, price: '20.00', state: 1 },
    { ...application, id: 4, goods_id: 4 },
  ]);
}

/** Attachments, applications and ledger entries naming a demand the new database does not hold. */
async function leftWithoutDemand(t: TestApp): Promise<Record<string, number[]>> {
  const db = t.stores.database.db;
  const demandIds = new Set((await db.selectFrom('demands').select('id').execute()).map((d) => Number(d.id)));
  const missing = (rows: ReadonlyArray<{ id: unknown; demand_id: unknown }>) =>
    rows
      .filter((row) => row.demand_id !== null && !demandIds.has(Number(row.demand_id)))
      .map((row) => Number(row.id));
  return {
    demand_files: missing(await db.selectFrom('demand_files').select(['id', 'demand_id']).execute()),
    applications: missing(await db.selectFrom('applications').select(['id', 'demand_id']).execute()),
    ledger_entries: missing(await db.selectFrom('ledger_entries').select(['id', 'demand_id']).execute()),
  };
}

const nothingLeft = { demand_files: [], applications: [], ledger_entries: [] };

describe.skipIf(!testDatabaseUrl).each(backends)('a refused demand ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let report: ImportReport;
  const tally = (name: string) => report.tables.find((table) => table.name === name);

  importForSuite(backend, fill, (imported) => ({ legacy, t, report } = imported));

  it('takes its attachments, applications and escrow with it, each refused with the reason', async () => {
    expect(tally('goods')?.refusals).toEqual([
      {
        id: 2,
        reason:
          'title is longer than 100 characters (101); it holds 70.00 yuan in escrow, which is not imported',
      },
    ]);
    expect(tally('goods_file')?.refusals).toEqual([
      { id: 2, reason: 'demand 2 was not imported (refused, see goods)' },
    ]);
    expect(tally('goods_order')?.refusals).toEqual([
      { id: 2, reason: 'demand 2 was not imported (refused, see goods)' },
    ]);
    expect(await leftWithoutDemand(t)).toEqual(nothingLeft);
  });
});

/** Makes the new database refuse to write demand `id`, as a database error would, at every run. */
async function failWritingDemand(backend: Backend, t: TestApp, id: number): Promise<void> {
  const statement =
    backend.name === 'embedded'
      ? `CREATE TRIGGER test_demand_fails BEFORE INSERT ON demands WHEN NEW.id = ${id}
         BEGIN SELECT RAISE(ABORT, 'demand ${id} cannot be written'); END`
      : `CREATE TRIGGER test_demand_fails BEFORE INSERT ON demands FOR EACH ROW
         BEGIN IF NEW.id = ${id} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'demand ${id} cannot be written'; END IF; END`;
  await sql.raw(statement).execute(t.stores.database.db);
}

describe.skipIf(!testDatabaseUrl).each(backends)(
  'a demand batch that fails at every run ($name)',
  (backend) => {
    let legacy: LegacyDatabase;
    let t: TestApp;

    beforeAll(async () => {
      legacy = await createLegacyDatabase(testDatabaseUrl as string);
      await fill(legacy);
      t = await startTestApp(withPrivateDatabase(backend));
      await failWritingDemand(backend, t, 3);
    }, 60_000);
    afterAll(() => closeImported({ t, legacy }));

    it('stops the import, and leaves no attachment, application or escrow of its demands', async () => {
      // Batches of 2: demands 3 and 4 are the batch that fails, behind the batch of 1 and 2.
      for (let run = 1; run <= 2; run++) {
        await expect(runImport(t, legacy.url)).rejects.toThrow(/demand 3 cannot be written/);
        expect(await leftWithoutDemand(t)).toEqual(nothingLeft);
      }
      const demands = await t.stores.database.db.selectFrom('demands').select('id').execute();
      expect(demands.map((d) => Number(d.id))).toEqual([1]);
      const files = await t.stores.database.db.selectFrom('demand_files').select('id').execute();
      expect(files.map((f) => Number(f.id))).toEqual([1]);
    });
  },
);
