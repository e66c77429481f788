import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../legacy-import/run-import.js';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends, testDatabaseUrl, withPrivateDatabase } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { createLegacyDatabase, type LegacyDatabase } from '../../support/legacy-db.js';
import { demandFields } from '../../support/marketplace-flow.js';
import { samplePng } from '../../support/sample-files.js';
import { randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';

/*
 * One old file named by several users' rows (a default avatar, a picture reused in a demand). The
 * importer gives it one public copy, owned by the first user whose row named it, and records the
 * old URL (kept when it could not be copied) for that user alone: every other user was refused
 * their own record resubmitted as they read it (文件无效), so could not save their profile at all.
 */

const copied = '/uploads/face/20190301/default.png';
const external = 'http://cdn.example.com/face/default.png';
const externalCard = 'http://cdn.example.com/cards/shared.png';
// Fresh phones each run: a phone gets one SMS code a minute, and Redis outlives the run.
const phones = Array.from({ length: 4 }, () => randomPhone());
const refused = { res: 0, err: '文件无效，请使用本站上传的文件', data: '' };

async function fill(db: LegacyDatabase): Promise<void> {
  await db.insert('users', [
    { id: 1, phone: phones[0], usertype: 1, face: copied },
    { id: 2, phone: phones[1], usertype: 2, face: copied },
    { id: 3, phone: phones[2], usertype: 1, face: external },
    { id: 4, phone: phones[3], usertype: 1, face: external },
  ]);
  await db.insert('h_user_person', [
    { id: 1, user_id: 3, name: '张三', code: '110101199003074518', pic: externalCard, state: 0 },
    { id: 2, user_id: 4, name: '李四', code: '110101199003074534', pic: externalCard, state: 0 },
  ]);
  await db.insert('h_goods', [
    {
      id: 101,
      goodsid: '2019030100000101',
      user_id: 2,
      title: '企业官网开发',
      titletype: 1,
      price: '5000.00',
      pricetype: 1,
      address: '上海',
      timeb: Math.floor(Date.parse('2019-03-01T00:00:00+08:00') / 1000),
      timee: Math.floor(Date.parse('2019-04-30T00:00:00+08:00') / 1000),
      sort: '网站开发',
      des: '需要一个企业官网',
      order_id: '',
      show: 0,
      pay: 0,
      suan: 0,
    },
  ]);
  await db.insert('h_goods_file', [{ id: 1, goods_id: 101, url: copied }]);
}

describe.skipIf(!testDatabaseUrl).each(backends)('an old file several users named ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let root: string;
  let t: TestApp;
  type Session = Awaited<ReturnType<typeof loginBySms>>;
  const sessions: Session[] = [];

  beforeAll(async () => {
    legacy = await createLegacyDatabase(testDatabaseUrl as string);
    await fill(legacy);
    root = mkdtempSync(path.join(tmpdir(), 'old-web-root-'));
    mkdirSync(path.join(root, path.dirname(copied)), { recursive: true });
    writeFileSync(path.join(root, copied), samplePng());
    t = await startTestApp(withPrivateDatabase(backend));
    const report = await runImport(t, legacy.url, { filesRoot: root });
    // Only the files not under the old web root, kept as their old URLs: no row is refused.
    expect(report.files.refusals.map((refusal) => refusal.reason)).toEqual(Array(3).fill('missing file'));
    expect(report.refusalCount).toBe(3);
    for (const phone of phones) sessions.push(await loginBySms(t, phone));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await legacy?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const post = (session: Session, url: string, fields: Record<string, unknown>) =>
    legacyPost(t.app, url, { ...checkFields(session), ...fields });

  it('takes back the avatar each user reads, copied or kept external', async () => {
    for (const user of sessions) {
      const { face } = (await post(user, '/user/info/info', {})).body.data as { face: string };
      expect(face).not.toBe('');
      const edit = await post(user, '/user/info/edit', { face, email: `u${user.userId}@example.com` });
      expect(edit.body, String(user.userId)).toEqual({ res: 1, err: '', data: '' });
      expect((await post(user, '/user/info/info', {})).body.data).toMatchObject({ face });
    }
  });

  it('takes back the files of a demand and of an identity record as they were read', async () => {
    const owner = sessions[1] as Session;
    const demand = (await post(owner, '/user/goods/info', { id: '101' })).body.data as { file: string };
    expect(demand.file).toMatch(/^\/uploads\//);
    const edit = await post(owner, '/user/goods/edit', demandFields({ id: '101', file: demand.file }));
    expect(edit.body).toEqual({ res: 1, err: '', data: '' });

    const second = sessions[3] as Session;
    const { pic } = (await post(second, '/user/info/info', {})).body.data as { pic: string };
    expect(pic).toBe(externalCard);
    const person = await post(second, '/user/info/person', { name: '李四', code: '110101199003074534', pic });
    expect(person.body.res).toBe(1);
    expect(person.body.data).toMatchObject({ pic: externalCard });
  });

  it('still refuses those files to a user whose rows do not name them', async () => {
    const first = sessions[0] as Session;
    const { face } = (await post(first, '/user/info/info', {})).body.data as { face: string };
    const stranger = await loginBySms(t);
    expect((await post(stranger, '/user/info/edit', { face })).body).toEqual(refused);
    expect((await post(stranger, '/user/info/edit', { face: external })).body).toEqual(refused);
    expect((await post(stranger, '/user/goods/add', demandFields({ file: face }))).body).toEqual(refused);
    const card = await post(stranger, '/user/info/person', {
      name: '王五',
      code: '110101199003074550',
      pic: externalCard,
    });
    expect(card.body).toEqual(refused);
    // Nor does naming the demand's file in one's own edit of someone else's demand get it through.
    const edit = await post(stranger, '/user/goods/edit', demandFields({ id: '101', file: face }));
    expect(edit.body).toEqual(refused);
  });
});
