import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import type { TestApp } from '../support/test-app.js';
import { importForSuite, runImport } from './run-import.js';

/*
 * Old `order_id` lists as an admin tool or a Chinese keyboard wrote them, and what the report says
 * of each: the rows it names, so the operator can look them up in the old database.
 */

async function fill(db: LegacyDatabase): Promise<void> {
  await db.insert('users', [
    { id: 1, phone: '13800000501', usertype: 2 },
    { id: 2, phone: '13900000502', usertype: 1 },
    { id: 3, phone: '13900000503', usertype: 1 },
  ]);
  const demand = { title: '需求', des: '', show: 1, user_id: 1, pay: 0, suan: 0, price: '100.00' };
  await db.insert('h_goods', [
    // Full-width commas, as a Chinese keyboard types them: still a list.
    { ...demand, id: 501, goodsid: 'G501', pay: 1, order_id: '511，512' },
    // Something that is no id: left out, its application no longer selected.
    { ...demand, id: 502, goodsid: 'G502', order_id: '521|x' },
    // An application of another demand: left out.
    { ...demand, id: 503, goodsid: 'G503', order_id: '511' },
  ]);
  const application = { msg: '', time: 1, price: '50.00', pay: 0, ok: 0 };
  await db.insert('h_goods_order', [
    { ...application, id: 511, goods_id: 501, user_id: 2, state: 1 },
    { ...application, id: 512, goods_id: 501, user_id: 3, state: 1 },
    { ...application, id: 521, goods_id: 502, user_id: 2, state: 1, price: '0.00' },
  ]);
}

describe.skipIf(!testDatabaseUrl).each(backends)('old selection lists ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let report: ImportReport;

  importForSuite(backend, fill, (imported) => ({ legacy, t, report } = imported));

  it('reads a list written with full-width commas', async () => {
    const rows = await t.stores.database.db
      .selectFrom('applications')
      .select(['id', 'selected'])
      .orderBy('id')
      .execute();
    expect(rows.map((row) => [row.id, Number(row.selected)])).toEqual([
      [511, 1],
      [512, 1],
      [521, 0],
    ]);
  });

  it('names the rows of each note: the demand whose list was read so, the application it unselected', () => {
    const text = report.format();
    expect(text).toContain(
      '\n  goods_order: order_id holds something that is no application id: left out (1: goods 502)\n',
    );
    expect(text).toContain(
      '\n  goods_order: order_id names an application that is not one of its demand: left out (1: goods 503)\n',
    );
    expect(text).toContain(
      "\n  goods_order: state disagrees with the demand's order_id: order_id decides (1: 521)",
    );
  });

  it('says the old database is the one that refused the connection', async () => {
    const url = new URL(testDatabaseUrl as string);
    url.username = 'no_such_import_reader';
    url.password = 'wrong';
    url.pathname = `/${legacy.name}`;
    await expect(runImport(t, url.toString())).rejects.toThrow(
      /^the old database \(--from\) cannot be read: Access denied for user 'no_such_import_reader'/,
    );
  });
});
