import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl, withPrivateDatabase } from '../support/backends.js';
import { createLegacyDatabase, type LegacyDatabase } from '../support/legacy-db.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { closeImported, runImport } from './run-import.js';

/*
 * A user's phone changed in the old database between two runs. The account under its old id then
 * has another phone than the old row: a phone changed since, or an account made in the service
 * under that id (an admin created before the import), which nothing in the database tells apart.
 * So the account is refused with both phones and left alone, and the rows the user gained are
 * refused with it: taken for the same user, an old user's demands and wallet would go to whoever
 * holds that id. The rows an earlier run imported for the user stay, counted as there: they were
 * refused as orphans too, and the report gave the wallet imported before as money left out.
 */

const oldPhone = '13900000905';
const newPhone = '13600000905';

async function fill(db: LegacyDatabase): Promise<void> {
  await db.insert('users', [
    { id: 1, phone: '13900000901', usertype: 2 },
    { id: 5, phone: oldPhone, usertype: 1 },
  ]);
  await db.insert('h_goods', [
    { id: 1, goodsid: 'P1', user_id: 5, title: 't', price: '10', des: '', show: 1, pay: 1 },
  ]);
  await db.insert('h_goods_order', [{ id: 1, goods_id: 1, user_id: 1, msg: '', time: 1, price: '0' }]);
  await db.insert('h_account', [{ id: 1, uid: 5, amount: '8.00' }]);
}

describe.skipIf(!testDatabaseUrl).each(backends)(
  "importing again after a user's phone changed ($name)",
  (backend) => {
    let legacy: LegacyDatabase;
    let t: TestApp;
    let again: ImportReport;
    const tally = (name: string) => again.tables.find((table) => table.name === name);

    beforeAll(async () => {
      legacy = await createLegacyDatabase(testDatabaseUrl as string);
      await fill(legacy);
      t = await startTestApp(withPrivateDatabase(backend));
      const first = await runImport(t, legacy.url);
      expect(first.refusalCount).toBe(0);
      // Meanwhile the old backend: user 5 changed phone, posted a demand, applied to one, and
      // listed a skill.
      await legacy.execute(`UPDATE users SET phone = '${newPhone}' WHERE id = 5`);
      await legacy.insert('h_goods', [
        { id: 2, goodsid: 'P2', user_id: 5, title: 'later', price: '20', des: '', show: 1 },
        { id: 3, goodsid: 'P3', user_id: 1, title: 'theirs', price: '30', des: '', show: 1 },
      ]);
      await legacy.insert('h_goods_order', [
        { id: 2, goods_id: 3, user_id: 5, msg: '', time: 2, price: '0' },
      ]);
      await legacy.insert('h_user_person_ji', [{ id: 1, user_id: 5, name: 'PHP', fen: 5 }]);
      again = await runImport(t, legacy.url);
    }, 60_000);
    afterAll(() => closeImported({ t, legacy }));

    it('refuses the account with both phones, and leaves it as imported', async () => {
      expect(tally('users')?.refusals).toEqual([
        {
          id: 5,
          reason: `id 5 is taken by an account with phone ${oldPhone} in the new database, the old row says ${newPhone}: its phone changed since an earlier run, or the account is another's`,
        },
      ]);
      const user = await t.stores.database.db
        .selectFrom('users')
        .select('phone')
        .where('id', '=', 5)
        .executeTakeFirstOrThrow();
      expect(user.phone).toBe(oldPhone);
    });

    it("counts the user's rows imported before as there, and refuses those it gained", async () => {
      const refusedWithIt = (id: number) => [{ id, reason: 'user 5 was not imported (refused, see users)' }];
      expect(
        ['goods', 'goods_order', 'user_person_ji', 'account'].map((name) => tally(name)?.refusals),
      ).toEqual([refusedWithIt(2), refusedWithIt(2), refusedWithIt(1), []]);
      expect(['goods', 'goods_order', 'account'].map((name) => tally(name)?.skipped)).toEqual([1, 1, 1]);
      // Another user's demand posted meanwhile is imported.
      expect(tally('goods')?.imported).toBe(1);
      const db = t.stores.database.db;
      const demands = await db.selectFrom('demands').select('id').orderBy('id').execute();
      expect(demands.map((row) => Number(row.id))).toEqual([1, 3]);
      const wallet = await db
        .selectFrom('wallets')
        .select('user_id')
        .where('user_id', '=', 5)
        .executeTakeFirst();
      expect(wallet).toBeDefined();
    });
  },
);
