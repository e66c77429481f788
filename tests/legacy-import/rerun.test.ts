import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerProblems } from '../../server/src/legacy-import/checks.js';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl, withPrivateDatabase } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { createLegacyDatabase, type LegacyDatabase } from '../support/legacy-db.js';
import { walletBalanceOf } from '../support/money-checks.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { fillOldDatabase, old } from './old-data.js';
import { runImport } from './run-import.js';

/*
 * The import run again after the old backend went on writing (it was not kept in maintenance):
 * the rows it gained are imported; a row imported before is not read again, and where that would
 * leave money behind (a balance or an escrow that changed since), the run refuses the row with
 * both amounts instead of skipping it in silence.
 */
describe.skipIf(!testDatabaseUrl).each(backends)(
  'importing again after the old database changed ($name)',
  (backend) => {
    let legacy: LegacyDatabase;
    let t: TestApp;
    let again: ImportReport;
    const tally = (name: string) => again.tables.find((table) => table.name === name);

    beforeAll(async () => {
      legacy = await createLegacyDatabase(testDatabaseUrl as string);
      await fillOldDatabase(legacy);
      t = await startTestApp(withPrivateDatabase(backend));
      await runImport(t, legacy.url);
      // Meanwhile the old backend: a recharge of the company, a first balance for user 11 (imported
      // with 0.000), application 202 paid out of demand 101 and the demand settled, a new member with
      // a demand, and a balance for user 16, who had no account row.
      await legacy.execute(`UPDATE h_account SET amount = '1200.50' WHERE uid = ${old.company.id}`);
      await legacy.execute('UPDATE h_account SET amount = 30 WHERE uid = 11');
      await legacy.execute(
        `UPDATE h_goods_order SET pay = 1 WHERE id = ${old.openDemand.waitingApplication}`,
      );
      await legacy.execute(`UPDATE h_goods SET suan = 1 WHERE id = ${old.openDemand.id}`);
      await legacy.insert('users', [{ id: 17, phone: '13600000017', usertype: 2 }]);
      await legacy.insert('h_goods', [
        { id: 108, goodsid: 'G108', user_id: 17, title: '后来的需求', price: '10', des: '', show: 1 },
      ]);
      await legacy.insert('h_account', [{ id: 6, uid: old.latecomer.id, amount: '50.00', last_time: 0 }]);
      again = await runImport(t, legacy.url);
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await legacy?.drop();
    });

    it('imports the rows the old database gained', async () => {
      expect(tally('users')?.imported).toBe(1);
      expect(tally('goods')?.imported).toBe(1);
      expect(tally('account')?.imported).toBe(1);
      const demand = await legacyPost(t.app, '/index/goods/goodsinfo', { id: 108 });
      expect(demand.body).toMatchObject({
        res: 1,
        data: { goodsid: 'G108', title: '后来的需求', price: 10 },
      });
      expect(await walletBalanceOf(t.stores.database.db, old.latecomer.id)).toBe(5000);
    });

    it('refuses a balance that changed since it was imported, with both amounts, and keeps the one imported', async () => {
      expect(tally('account')?.refusals).toEqual([
        {
          id: 1,
          reason:
            'the old balance changed after an earlier run imported 1000.50: it is 1200.50 now, and the difference is not taken',
        },
        { id: 3, reason: 'amount is no amount of yuan with at most 2 decimals: "12.345"' },
        {
          id: 4,
          reason:
            'user 11 has a wallet already, opened with no old balance; the old balance 30.00 is not taken',
        },
        { id: 5, reason: 'user 999 was not imported (not in the old database)' },
      ]);
      const info = await legacyPost(t.app, '/user/info/info', {
        user_id_check: String(old.company.id),
        token_check: old.company.token,
      });
      expect(info.body.data).toMatchObject({ balance: 1000.5 });
      // The old table's total is still accounted for to the fen: the changed rows count as refused.
      expect(again.format()).toContain(
        'wallets: old account total 4297.845 yuan = 50.00 imported + 3000.00 imported before + 1247.845 refused',
      );
    });

    it('refuses a demand whose escrow changed since it was imported, and leaves its escrow as imported', async () => {
      expect(tally('goods')?.refusals).toContainEqual({
        id: old.openDemand.id,
        reason:
          'its escrow changed after an earlier run imported 2000.00: the old rows say 0.00 now, and the difference is not taken',
      });
      const demand = await t.stores.database.db
        .selectFrom('demands')
        .select(['escrow_fen', 'settled'])
        .where('id', '=', old.openDemand.id)
        .executeTakeFirstOrThrow();
      expect({ escrow: Number(demand.escrow_fen), settled: demand.settled }).toEqual({
        escrow: old.openDemand.escrowFen,
        settled: 0,
      });
      // Its applications are still its own: none is refused as an orphan.
      expect(tally('goods_order')?.refusals.map((r) => r.id)).toEqual([205, 207]);
      expect(await ledgerProblems(t.stores.database.db)).toEqual([]);
    });
  },
);
