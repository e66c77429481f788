import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl, withPrivateDatabase } from '../support/backends.js';
import { createLegacyDatabase, type LegacyDatabase } from '../support/legacy-db.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { closeImported, runImport } from './run-import.js';

/*
 * Old ids in `int unsigned` columns reach 4294967295; the new id columns (and the service's ids)
 * end at 2147483647. On MySQL one such id failed the insert of its whole batch and stopped the
 * import; on SQLite it was imported under an id the service never reads. Each such row is refused
 * with its reason, the rows referring to it as orphans, and the rest of its batch is imported.
 */

const maxId = 2_147_483_647;
const bigUser = 2_147_483_648;
const bigDemand = 3_000_000_000;
const biggest = 4_294_967_295;

async function fill(db: LegacyDatabase): Promise<void> {
  for (const [table, columns] of [
    ['h_goods', ['id', 'user_id']],
    ['h_goods_file', ['id', 'goods_id']],
    ['h_goods_order', ['id', 'goods_id', 'user_id']],
    ['h_account', ['id', 'uid']],
  ] as const) {
    const unsigned = columns.map((c) => `MODIFY ${c} int(11) unsigned NOT NULL`);
    await db.execute(`ALTER TABLE ${table} ${unsigned.join(', ')}`);
  }
  await db.insert('users', [
    { id: 1, phone: '13900000601', usertype: 2 },
    { id: maxId, phone: '13900000602', usertype: 1 },
    { id: bigUser, phone: '13900000603', usertype: 1 },
    { id: biggest, phone: '13900000604', usertype: 1 },
  ]);
  const demand = { user_id: 1, title: 't', price: '10', des: '', show: 1 };
  await db.insert('h_goods', [
    { ...demand, id: 1, goodsid: 'B1' },
    { ...demand, id: 2, goodsid: 'B2', user_id: bigUser },
    { ...demand, id: maxId, goodsid: 'B3' },
    { ...demand, id: bigDemand, goodsid: 'B4' },
  ]);
  await db.insert('h_goods_file', [
    { id: 1, goods_id: maxId, url: '/uploads/goods/a.png' },
    { id: 2, goods_id: bigDemand, url: '/uploads/goods/b.png' },
    { id: bigDemand, goods_id: 1, url: '/uploads/goods/c.png' },
  ]);
  const application = { msg: '', time: 1, price: '0' };
  await db.insert('h_goods_order', [
    { ...application, id: 1, goods_id: 1, user_id: maxId },
    { ...application, id: 2, goods_id: bigDemand, user_id: maxId },
    { ...application, id: 3, goods_id: maxId, user_id: bigUser },
    { ...application, id: biggest, goods_id: maxId, user_id: maxId },
  ]);
  await db.insert('h_account', [
    { id: 1, uid: 1, amount: '5.00' },
    { id: 2, uid: bigUser, amount: '7.00' },
  ]);
}

describe.skipIf(!testDatabaseUrl).each(backends)('importing ids above 2147483647 ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let report: ImportReport;
  const tally = (name: string) => report.tables.find((table) => table.name === name);
  const idTooLarge = (id: number) => `id is above ${maxId}, the largest the new database keeps: ${id}`;

  beforeAll(async () => {
    legacy = await createLegacyDatabase(testDatabaseUrl as string);
    await fill(legacy);
    t = await startTestApp(withPrivateDatabase(backend));
    // One batch a table: each refused row shares it with rows that are imported.
    report = await runImport(t, legacy.url, { batchSize: 10 });
  }, 60_000);
  afterAll(() => closeImported({ t, legacy }));

  it('refuses each row whose own id is too large, with the id, and imports the rest of its batch', async () => {
    expect(tally('users')?.refusals).toEqual([
      { id: bigUser, reason: idTooLarge(bigUser) },
      { id: biggest, reason: idTooLarge(biggest) },
    ]);
    expect(tally('users')?.imported).toBe(2);
    const users = await t.stores.database.db.selectFrom('users').select('id').orderBy('id').execute();
    expect(users.map((user) => Number(user.id))).toEqual([1, maxId]);
  });

  it('refuses the rows referring to such a row as orphans', () => {
    expect(tally('goods')?.refusals).toEqual([
      { id: 2, reason: `user ${bigUser} was not imported (refused, see users)` },
      { id: bigDemand, reason: idTooLarge(bigDemand) },
    ]);
    expect(tally('goods_file')?.refusals).toEqual([
      { id: 2, reason: `demand ${bigDemand} was not imported (refused, see goods)` },
      { id: bigDemand, reason: idTooLarge(bigDemand) },
    ]);
    expect(tally('goods_order')?.refusals).toEqual([
      { id: 2, reason: `demand ${bigDemand} was not imported (refused, see goods)` },
      { id: 3, reason: `user ${bigUser} was not imported (refused, see users)` },
      { id: biggest, reason: idTooLarge(biggest) },
    ]);
    expect(tally('account')?.refusals).toEqual([
      { id: 2, reason: `user ${bigUser} was not imported (refused, see users)` },
    ]);
    expect(['goods', 'goods_file', 'goods_order', 'account'].map((name) => tally(name)?.imported)).toEqual([
      2, 1, 1, 1,
    ]);
  });

  it('keeps the largest id the new database holds', async () => {
    const demand = await t.stores.database.db
      .selectFrom('demands')
      .select(['id', 'owner_id'])
      .where('id', '=', maxId)
      .executeTakeFirstOrThrow();
    expect({ id: Number(demand.id), owner: Number(demand.owner_id) }).toEqual({ id: maxId, owner: 1 });
    const application = await t.stores.database.db
      .selectFrom('applications')
      .select(['demand_id', 'applicant_id'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    expect(Number(application.applicant_id)).toBe(maxId);
  });
});
