import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl } from '../support/backends.js';
import type { LegacyDatabase } from '../support/legacy-db.js';
import type { TestApp } from '../support/test-app.js';
import { importForSuite } from './run-import.js';

/*
 * Times in milliseconds where the notes say unix seconds (a newer client or an admin script wrote
 * `Date.now()`, in a column widened to BIGINT or text): read as seconds they were imported as
 * dates tens of thousands of years ahead. Such a row is refused with the likely cause, never
 * divided by 1000 in silence; an optional time (`last_time`) too, as any unreadable value is.
 */

const ms = 1_700_000_000_000;
const seconds = 1_700_000_000;

async function fill(db: LegacyDatabase): Promise<void> {
  await db.execute('ALTER TABLE h_goods MODIFY timeb bigint NOT NULL DEFAULT 0');
  await db.execute('ALTER TABLE h_goods_order MODIFY time bigint NOT NULL DEFAULT 0');
  await db.execute('ALTER TABLE h_user_person_job MODIFY `end` bigint NOT NULL DEFAULT 0');
  await db.execute('ALTER TABLE h_account MODIFY last_time bigint NOT NULL DEFAULT 0');
  await db.insert('users', [
    { id: 1, phone: '13900000701', usertype: 2 },
    { id: 2, phone: '13900000702', usertype: 1 },
  ]);
  const demand = { user_id: 1, title: 't', price: '10', des: '', show: 1 };
  await db.insert('h_goods', [
    { ...demand, id: 1, goodsid: 'M1', timeb: ms },
    { ...demand, id: 2, goodsid: 'M2', timeb: seconds },
  ]);
  await db.insert('h_goods_order', [
    { id: 1, goods_id: 2, user_id: 1, msg: '', time: ms, price: '0' },
    { id: 2, goods_id: 2, user_id: 2, msg: '', time: seconds, price: '0' },
  ]);
  await db.insert('h_user_person_job', [
    { id: 1, user_id: 2, begin: seconds, end: ms, company: 'a', job: 'b', des: '' },
    { id: 2, user_id: 2, begin: seconds, end: seconds + 86_400, company: 'a', job: 'b', des: '' },
  ]);
  await db.insert('h_account', [
    { id: 1, uid: 1, amount: '1.00', last_time: ms },
    { id: 2, uid: 2, amount: '2.00', last_time: seconds },
  ]);
  await db.insert('h_user_person', [
    { id: 1, user_id: 1, name: '张三', jtime: `${ms},${ms + 1000}`, state: 0 },
    // 12 digits: what the legacy door reads as seconds, the year 7357.
    { id: 2, user_id: 2, name: '李四', jtime: `${seconds},170000000000`, state: 0 },
  ]);
}

describe.skipIf(!testDatabaseUrl).each(backends)('importing times in milliseconds ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let report: ImportReport;
  const tally = (name: string) => report.tables.find((table) => table.name === name);
  const pastYear2100 = (column: string, value: number) =>
    `${column} is a time past the year 2100: ${value} (milliseconds?)`;

  importForSuite(backend, fill, (imported) => ({ legacy, t, report } = imported));

  it('refuses a row whose time is past 2100, naming milliseconds as the likely cause', () => {
    expect(tally('goods')?.refusals).toEqual([{ id: 1, reason: pastYear2100('timeb', ms) }]);
    expect(tally('goods_order')?.refusals).toEqual([{ id: 1, reason: pastYear2100('time', ms) }]);
    expect(tally('user_person_job')?.refusals).toEqual([{ id: 1, reason: pastYear2100('end', ms) }]);
    expect(tally('user_person')?.refusals).toEqual([
      { id: 1, reason: pastYear2100('jtime', ms) },
      { id: 2, reason: pastYear2100('jtime', 170_000_000_000) },
    ]);
  });

  it('refuses an optional time in milliseconds as well, as any unreadable value', () => {
    expect(tally('account')?.refusals).toEqual([{ id: 1, reason: pastYear2100('last_time', ms) }]);
    expect(report.money).toMatchObject({ importedFen: 200, refusedYuan: '1.00', adds: true });
  });

  it('imports the times in seconds beside them', async () => {
    const db = t.stores.database.db;
    const demand = await db.selectFrom('demands').select('work_start').executeTakeFirstOrThrow();
    expect(Number(demand.work_start)).toBe(seconds * 1000);
    const application = await db.selectFrom('applications').select('created_at').executeTakeFirstOrThrow();
    expect(Number(application.created_at)).toBe(seconds * 1000);
    const job = await db.selectFrom('resume_jobs').select('end_at').executeTakeFirstOrThrow();
    expect(Number(job.end_at)).toBe((seconds + 86_400) * 1000);
  });
});
