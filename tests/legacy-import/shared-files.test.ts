import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportStopped } from '../../server/src/legacy-import/runner.js';
import { backends, testDatabaseUrl, withPrivateDatabase } from '../support/backends.js';
import { createLegacyDatabase, type LegacyDatabase } from '../support/legacy-db.js';
import { samplePng } from '../support/sample-files.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { runImport } from './run-import.js';

/*
 * One old file named by several rows: an avatar and two people's ID cards. The first row to name
 * it decided its copy for all, so an ID card could become another user's public avatar upload:
 * served to anyone, and refused to its owner's own verification record when resubmitted.
 */

const shared = '/uploads/person/20190301/shared.png';
const avatarOwner = 1;
const cardOwners = [2, 3];

async function fill(db: LegacyDatabase): Promise<void> {
  await db.insert('users', [
    { id: 1, phone: '13900000301', usertype: 1, face: shared },
    { id: 2, phone: '13900000302', usertype: 1 },
    { id: 3, phone: '13900000303', usertype: 1 },
  ]);
  await db.insert('h_user_person', [
    { id: 1, user_id: 2, name: '张三', code: '110101199003074518', pic: shared, state: 0 },
    { id: 2, user_id: 3, name: '李四', code: '110101199003074534', pic: shared, state: 0 },
  ]);
}

describe.skipIf(!testDatabaseUrl).each(backends)('an old file named by several rows ($name)', (backend) => {
  let legacy: LegacyDatabase;
  let root: string;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    legacy = await createLegacyDatabase(testDatabaseUrl as string);
    await fill(legacy);
    root = mkdtempSync(path.join(tmpdir(), 'old-web-root-'));
    mkdirSync(path.join(root, path.dirname(shared)), { recursive: true });
    writeFileSync(path.join(root, shared), samplePng());
  }, 60_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    await legacy?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** The upload a stored URL names: its owner and whether only signed URLs serve it. */
  async function uploadOf(t: TestApp, url: string) {
    const key = (url.split('?')[0] ?? '').slice('/uploads/'.length);
    const row = await t.stores.database.db
      .selectFrom('uploads')
      .select(['user_id', 'private'])
      .where('storage_key', '=', key)
      .executeTakeFirstOrThrow();
    return { key, owner: row.user_id, private: Boolean(row.private) };
  }

  async function expectOwnCopies(t: TestApp) {
    const db = t.stores.database.db;
    const face = await db
      .selectFrom('users')
      .select('face')
      .where('id', '=', avatarOwner)
      .executeTakeFirstOrThrow();
    expect(await uploadOf(t, face.face)).toMatchObject({ owner: avatarOwner, private: false });
    const keys = new Set<string>([(await uploadOf(t, face.face)).key]);
    for (const owner of cardOwners) {
      const record = await db
        .selectFrom('person_verifications')
        .select('id_front')
        .where('user_id', '=', owner)
        .executeTakeFirstOrThrow();
      const card = await uploadOf(t, record.id_front);
      // Each ID card is a private upload of the record's own owner, not the avatar's public copy.
      expect(card).toMatchObject({ owner, private: true });
      keys.add(card.key);
    }
    expect(keys.size).toBe(3);
  }

  it('gives each owner its own copy, private for an identity document', async () => {
    const t = await startTestApp(withPrivateDatabase(backend));
    apps.push(t);
    const report = await runImport(t, legacy.url, { filesRoot: root });
    expect(report.refusalCount).toBe(0);
    await expectOwnCopies(t);
  });

  it('does not reuse the avatar copy an interrupted run made for the ID cards', async () => {
    const t = await startTestApp(withPrivateDatabase(backend));
    apps.push(t);
    // Stopped once the users (and the avatar's copy) are in.
    await expect(runImport(t, legacy.url, { filesRoot: root, stopAfterBatches: 2 })).rejects.toThrow(
      ImportStopped,
    );
    const report = await runImport(t, legacy.url, { filesRoot: root });
    expect(report.refusalCount).toBe(0);
    await expectOwnCopies(t);
  });
});
