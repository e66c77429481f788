import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { bidiControlsNote, invisibleSpacesNote } from '../../server/src/legacy-import/values.js';
import { backends, testDatabaseUrl, withPrivateDatabase } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { createLegacyDatabase, type LegacyDatabase } from '../support/legacy-db.js';
import { sampleZip } from '../support/sample-files.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { runImport } from './run-import.js';

/*
 * Old rows the fixture of old-data.ts does not hold, each of which stopped the whole import with a
 * database error instead of being imported or refused with its reason: values the old database
 * groups otherwise than the import reads them, file lists that grow when their files are copied,
 * and table names in another case than the options give.
 */

/** 20 short archive URLs: 219 characters as the old row holds them, over 900 once copied. */
const sources = Array.from({ length: 20 }, (_, i) => `/u/s${String(i).padStart(2, '0')}.zip`);
const token = 'tok-0123456789abcdef';

async function fill(db: LegacyDatabase): Promise<void> {
  // An account kept under id 0 (MySQL allows one with NO_AUTO_VALUE_ON_ZERO, e.g. from a dump).
  await db.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')");
  await db.insert('users', [
    { id: 0, phone: '13900000030', usertype: 1 },
    { id: 1, phone: '13900000020', usertype: 2, token: 'c0ffee00c0ffee00c0ffee00c0ffee01' },
    // The same phone with a line break: MySQL's trim() leaves it, the import reads it away.
    { id: 2, phone: '13900000020\r\n', usertype: 1 },
    { id: 3, phone: '+86 139 0000 0022', usertype: 1 },
    { id: 4, phone: '139-0000-0022', usertype: 1 },
    { id: 5, phone: '13900000025', usertype: 1, token, face: 'javascript:alert(1)' },
    // A line break at the end is read away too, and noted (before, trimmed unsaid).
    { id: 6, phone: '13900000026\n', usertype: 1, token: `${token}\t` },
    { id: 7, phone: '+1 415 555 0100', usertype: 1 },
  ]);
  await db.insert('h_goods', [
    { id: 1, goodsid: 'X1', user_id: 1, title: 'a', price: '100', des: '', order_id: '1,,3 ' },
    { id: 2, goodsid: 'X1\t', user_id: 1, title: 'b', price: '100', des: '' },
    { id: 3, goodsid: 'y1', user_id: 1, title: '\u202ec', price: '100', des: 'x\u2069\ny' },
    // Invisible spaces from a pasted title, which new one-line input drops and search never finds.
    {
      id: 4,
      goodsid: 'Y1',
      user_id: 1,
      title: '视频\u200b剪辑\u2060',
      price: '100',
      des: '\ufeffd',
      show: 1,
    },
    { id: 5, goodsid: 'Z5', user_id: 1, title: 'e', price: '100', des: '', pay: 1 },
  ]);
  await db.insert('h_goods_file', [
    { id: 1, goods_id: 1, url: 'JavaScript:alert(document.cookie)' },
    { id: 2, goods_id: 1, url: '/u/s00.zip' },
  ]);
  await db.insert('h_goods_order', [
    { id: 1, goods_id: 1, user_id: 3, msg: '', source: sources.join(','), time: 1, price: '0' },
    { id: 2, goods_id: 1, user_id: 5, msg: '', source: '/u/s00.zip', time: 1, price: '0' },
    { id: 3, goods_id: 5, user_id: 5, msg: '', time: 1, price: '150', pay: 1, state: 1 },
  ]);
  await db.execute('ALTER TABLE h_user_person MODIFY pic text');
  await db.insert('h_user_person', [
    {
      id: 1,
      user_id: 3,
      name: '张三',
      pic: Array.from({ length: 60 }, (_, i) => `http://old.example.com/uploads/person/p${i}.jpg`).join(','),
      state: 0,
    },
    { id: 2, user_id: 5, name: '李四', pic: `/uploads/${'a'.repeat(2100)}.jpg`, state: 0 },
    // A name ending in a right-to-left override, which turned the ID number after it around on the
    // console's card; and an isolate in the ID number itself.
    {
      id: 3,
      user_id: 6,
      name: '王五\u202e',
      code: '1101051949\u20661231002X ',
      pic: '/uploads/person/p1.jpg',
      state: 1,
    },
  ]);
  await db.execute('ALTER TABLE h_user_geti MODIFY renshu int(11) unsigned DEFAULT NULL');
  await db.insert('h_user_geti', [
    { id: 1, user_id: 5, name: '张记', renshu: 3_000_000_000, state: 0 },
    { id: 2, user_id: 6, name: '李记', renshu: 3, state: 0 },
  ]);
  // Resume rows the new forms would refuse (a score of 0, an empty school, a link without http),
  // which the import keeps as they are: reading them failed the whole list.
  await db.insert('h_user_person_ji', [{ id: 1, user_id: 1, name: 'Go', fen: 0 }]);
  await db.insert('h_user_person_edu', [{ id: 1, user_id: 1, begin: 0, end: 0, school: '' }]);
  await db.insert('h_user_person_des', [
    { id: 1, user_id: 1, name: '', link: 'www.example.com' },
    { id: 2, user_id: 1, name: '官网改版', link: ' JavaScript:alert(document.cookie)' },
  ]);
  // Made on a server that keeps the case of table names, and named by the options in another.
  await db.execute('RENAME TABLE users TO Users');
  await db.execute('RENAME TABLE h_goods TO H_goods');
}

/** The storage keys of every recorded upload, sorted. */
async function uploadedKeys(t: TestApp): Promise<string[]> {
  const rows = await t.stores.database.db.selectFrom('uploads').select('storage_key').execute();
  return rows.map((row) => row.storage_key).sort();
}

describe.skipIf(!testDatabaseUrl).each(backends)('importing odd old rows ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let root: string;
  let report: ImportReport;
  const tallyOf = (table: string) => report.tables.find((tally) => tally.name === table);
  const refusals = (table: string) => tallyOf(table)?.refusals;
  /** How often each note was made on the table's rows. */
  const notesOf = (table: string) => Object.fromEntries(tallyOf(table)?.notes ?? []);
  /** An imported demand's title and description, as stored. */
  const demandText = (id: number) =>
    t.stores.database.db
      .selectFrom('demands')
      .select(['title', 'description'])
      .where('id', '=', id)
      .executeTakeFirst();

  beforeAll(async () => {
    legacy = await createLegacyDatabase(testDatabaseUrl as string);
    await fill(legacy);
    root = mkdtempSync(path.join(tmpdir(), 'old-web-root-odd-'));
    mkdirSync(path.join(root, 'u'));
    for (const url of sources) writeFileSync(path.join(root, url), sampleZip());
    t = await startTestApp(withPrivateDatabase(backend));
    report = await runImport(t, legacy.url, { filesRoot: root, usersTable: 'users', prefix: 'h_' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await legacy?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('finds the tables whatever the case of their names', () => {
    expect(report.missing).toEqual([]);
    expect(tallyOf('users')?.read).toBe(8);
  });

  it('reads a phone written with spaces, dashes, +86 or a line break as its digits, one account each', async () => {
    expect(refusals('users')).toEqual([
      { id: 0, reason: 'id is not positive: 0' },
      { id: 2, reason: 'phone 13900000020 belongs to user 1 too' },
      { id: 4, reason: 'phone 13900000022 belongs to user 3 too' },
      { id: 7, reason: 'bad phone "+1 415 555 0100"' },
    ]);
    const users = await t.stores.database.db
      .selectFrom('users')
      .select(['id', 'phone'])
      .orderBy('id')
      .execute();
    expect(users).toEqual([
      { id: 1, phone: '13900000020' },
      { id: 3, phone: '13900000022' },
      { id: 5, phone: '13900000025' },
      { id: 6, phone: '13900000026' },
    ]);
    const notes = notesOf('users');
    expect(notes['phone written with spaces, dashes, line breaks or +86: kept as its 11 digits']).toBe(2);
  });

  it('reads a row with id 0 and refuses it, not leaving it out unseen', () => {
    const users = tallyOf('users');
    expect(users?.total).toBe(8);
    expect((users?.imported ?? 0) + (users?.refusals.length ?? 0)).toBe(8);
  });

  it('measures an ID number without the whitespace around it', async () => {
    const record = await t.stores.database.db
      .selectFrom('person_verifications')
      .select(['user_id', 'id_number'])
      .execute();
    expect(record).toEqual([{ user_id: 6, id_number: '11010519491231002X' }]);
  });

  it('takes bidirectional controls out of old text, as new input refuses them, and says so', async () => {
    const person = await t.stores.database.db
      .selectFrom('person_verifications')
      .select(['name', 'id_number'])
      .executeTakeFirst();
    expect(person).toEqual({ name: '王五', id_number: '11010519491231002X' });
    expect(await demandText(3)).toEqual({ title: 'c', description: 'x\ny' });
    expect(notesOf('user_person')[bidiControlsNote]).toBe(1);
    expect(notesOf('goods')[bidiControlsNote]).toBe(1);
  });

  it('takes invisible spaces out of old text, as new input drops them, so search finds the title shown', async () => {
    expect(await demandText(4)).toEqual({ title: '视频剪辑', description: 'd' });
    expect(notesOf('goods')[invisibleSpacesNote]).toBe(1);
    const found = await legacyPost(t.app, '/index/goods/index', { title: '视频剪辑' });
    expect(found.body.res, found.body.err).toBe(1);
    expect((found.body.data as { data: { id: number }[] }).data.map((d) => d.id)).toEqual([4]);
  });

  it('refuses a count too large for its new column, with the reason', async () => {
    expect(refusals('user_geti')).toEqual([{ id: 1, reason: 'renshu is out of range: 3000000000' }]);
    const records = await t.stores.database.db
      .selectFrom('individual_business_verifications')
      .select(['user_id', 'employees'])
      .execute();
    expect(records).toEqual([{ user_id: 6, employees: 3 }]);
  });

  it('keeps no token two accounts hold, whatever whitespace follows it in one of them', async () => {
    const notes = notesOf('users');
    expect(notes['token held by another account too, not kept: logs in again']).toBe(2);
    const sessions = await t.stores.database.db.selectFrom('imported_sessions').select('user_id').execute();
    expect(sessions.map((s) => s.user_id)).toEqual([1]);
  });

  it('gives one order number to one demand, however its copies differ in case or trailing whitespace', async () => {
    expect(refusals('goods')).toEqual([
      { id: 5, reason: 'its applications were paid 15000 fen, more than its price' },
    ]);
    const demands = await t.stores.database.db
      .selectFrom('demands')
      .select(['id', 'order_no'])
      .orderBy('id')
      .execute();
    expect(demands.map((d) => d.id)).toEqual([1, 2, 3, 4]);
    expect(demands[0]?.order_no).toBe('X1');
    expect(demands[2]?.order_no).toBe('y1');
    expect(new Set(demands.map((d) => d.order_no.toLowerCase())).size).toBe(4);
  });

  it('refuses, with the reason, a list of files that no longer fits its column once copied', async () => {
    expect(refusals('goods_order')).toEqual([
      {
        id: 1,
        reason: expect.stringMatching(
          /^source is longer than 500 characters once its file URLs are stored \(\d+\)$/,
        ) as string,
      },
      { id: 3, reason: 'demand 5 was not imported (refused, see goods)' },
    ]);
    const applications = await t.stores.database.db
      .selectFrom('applications')
      .select(['id', 'selected', 'delivery_source'])
      .execute();
    expect(applications).toMatchObject([{ id: 2, selected: 0 }]);
    expect(refusals('user_person')).toEqual([
      {
        id: 1,
        reason: expect.stringMatching(/^pic is longer than 2000 characters once its file URLs are stored/),
      },
      { id: 2, reason: 'pic names a URL longer than 2000 characters' },
    ]);
    expect(report.ledgerProblems).toEqual([]);
  });

  it('keeps no copy of a file that only refused rows name', async () => {
    // Application 1's twenty archives were copied before its list proved too long; application 2
    // and demand file 2 name the first of them, which alone stays.
    expect(await uploadedKeys(t)).toEqual(await t.storedKeys());
    const [kept] = await uploadedKeys(t);
    const application = await t.stores.database.db
      .selectFrom('applications')
      .select('delivery_source')
      .where('id', '=', 2)
      .executeTakeFirstOrThrow();
    expect(application.delivery_source).toBe(`/uploads/${kept}`);
    expect(report.files.copied).toBe(1);
  });

  it('leaves no copy behind for a batch whose rows are all refused', async () => {
    const alone = await startTestApp(withPrivateDatabase(backend));
    try {
      // Batches of one: application 1 is a batch of its own, refused whole, so none of it is written.
      const again = await runImport(alone, legacy.url, { filesRoot: root, batchSize: 1 });
      expect(again.tables.find((table) => table.name === 'goods_order')?.refusals[0]?.id).toBe(1);
      expect(await alone.storedKeys()).toEqual(await uploadedKeys(alone));
      expect(await alone.storedKeys()).toHaveLength(1);
    } finally {
      await alone.close();
    }
  }, 60_000);

  it('keeps no old link that would run script where it is shown: an avatar and a project link dropped, a file refused', async () => {
    const user = await t.stores.database.db
      .selectFrom('users')
      .select('face')
      .where('id', '=', 5)
      .executeTakeFirstOrThrow();
    expect(user.face).toBe('');
    const notes = notesOf('users');
    expect(notes['face is no web address (javascript:, data:...): dropped']).toBe(1);
    expect(notesOf('user_person_des')['link is no web address (javascript:, data:...): dropped']).toBe(1);
    const project = await t.stores.database.db
      .selectFrom('resume_projects')
      .select(['name', 'link'])
      .where('id', '=', 2)
      .executeTakeFirstOrThrow();
    expect(project).toEqual({ name: '官网改版', link: '' });
    expect(refusals('goods_file')).toEqual([{ id: 1, reason: 'url is no web address' }]);
    const files = await t.stores.database.db.selectFrom('demand_files').select('id').execute();
    expect(files).toEqual([{ id: 2 }]);
  });

  it('refuses the same rows again and imports nothing twice when run again', async () => {
    const again = await runImport(t, legacy.url, { filesRoot: root });
    for (const table of again.tables) {
      expect(table.imported, table.name).toBe(0);
      expect(table.refusals, table.name).toEqual(refusals(table.name));
    }
  });

  // Last: its login turns the imported session into a live one.
  it('shows imported resume entries the new forms would refuse, on both doors', async () => {
    const check = { user_id_check: '1', token_check: 'c0ffee00c0ffee00c0ffee00c0ffee01' };
    const list = async (name: string) => {
      const answer = await legacyPost(t.app, `/user/${name}/index`, check);
      expect(answer.body.res, `${name}: ${answer.body.err}`).toBe(1);
      return (answer.body.data as { data: Record<string, unknown>[] }).data;
    };
    expect(await list('user_person_ji')).toMatchObject([{ name: 'Go', fen: 0 }]);
    expect(await list('user_person_edu')).toMatchObject([{ school: '' }]);
    expect(await list('user_person_des')).toMatchObject([
      { name: '', link: 'www.example.com' },
      { name: '官网改版', link: '' },
    ]);
    const typed = await t.app.inject({
      method: 'GET',
      url: `/trpc/resume.ofUser?input=${encodeURIComponent(JSON.stringify({ json: { userId: 1 } }))}`,
    });
    expect(typed.statusCode).toBe(200);
    expect(typed.json().result.data.json.skills).toMatchObject([{ name: 'Go', score: 0 }]);
  });
});
