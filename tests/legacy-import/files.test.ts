import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { backends, testDatabaseUrl, withPrivateDatabase } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { createLegacyDatabase, type LegacyDatabase } from '../support/legacy-db.js';
import { samplePdf, samplePng, sampleZip } from '../support/sample-files.js';
import { backendsAndStorage, startTestApp, type TestApp } from '../support/test-app.js';
import { demandFiles, fillOldDatabase, old } from './old-data.js';
import { runImport } from './run-import.js';

/** Writes a file of the old web root at the path its URL names. */
function place(root: string, url: string, bytes: Buffer) {
  const file = path.join(root, decodeURIComponent(new URL(url, 'http://x/').pathname));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

describe.skipIf(!testDatabaseUrl).each(backendsAndStorage(backends))(
  'importing the old files with --files-root ($name)',
  ({ backend, storage }) => {
    let legacy: LegacyDatabase;
    let t: TestApp;
    let root: string;
    let report: ImportReport;
    const face = samplePng(32, 32);
    const post = (path: string, user: { id: number; token: string }, fields: Record<string, unknown> = {}) =>
      legacyPost(t.app, path, { user_id_check: String(user.id), token_check: user.token, ...fields });
    const company = { id: old.company.id, token: old.company.token };

    beforeAll(async () => {
      legacy = await createLegacyDatabase(testDatabaseUrl as string);
      await fillOldDatabase(legacy);
      root = mkdtempSync(path.join(tmpdir(), 'old-web-root-'));
      place(root, old.company.face, face);
      place(root, old.person.idFront, samplePng());
      place(root, '/uploads/company/20190301/licence.jpg', samplePng(40, 30));
      place(root, demandFiles.spec, samplePdf());
      // An archive named like a picture: uploads refuse such a disguise, and so does the import.
      place(root, demandFiles.sketch, sampleZip());
      place(root, '/uploads/source/a.zip', sampleZip());
      t = await startTestApp(withPrivateDatabase(backend), {}, { storage });
      report = await runImport(t, legacy.url, { filesRoot: root });
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await legacy?.drop();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it('copies each referenced file into storage, checked by its bytes, and rewrites the references', async () => {
      expect(report.files.copied).toBe(5);
      const info = await post('/user/info/info', company);
      const data = info.body.data as { face: string; company: { pic: string } };
      expect(data.face).toMatch(/^\/uploads\/\d{4}\/\d{2}\/\d{2}\/[A-Za-z0-9_-]{22}\.png$/);
      const served = await t.app.inject({ method: 'GET', url: data.face });
      expect(served.statusCode).toBe(200);
      expect(served.rawPayload.equals(face)).toBe(true);
      const uploadOf = (url: string) =>
        t.stores.database.db
          .selectFrom('uploads')
          .select(['user_id', 'mime', 'original_name', 'private'])
          .where('storage_key', '=', (url.split('?')[0] ?? '').slice('/uploads/'.length))
          .executeTakeFirstOrThrow();
      expect(await uploadOf(data.face)).toEqual({
        user_id: old.company.id,
        mime: 'image/png',
        original_name: '6f1c.png',
        private: 0,
      });
      // The licence is an identity document: a private upload, shown only through a signed URL.
      const licence = data.company.pic;
      expect(licence).toMatch(/^\/uploads\/\d{4}\/\d{2}\/\d{2}\/[A-Za-z0-9_-]{22}\.png\?exp=\d+&sig=[\w-]+$/);
      expect(await uploadOf(licence)).toMatchObject({ user_id: old.company.id, private: 1 });
      expect((await t.app.inject({ method: 'GET', url: licence })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: licence.split('?')[0] ?? '' })).statusCode).toBe(404);

      const goods = await legacyPost(t.app, '/index/goods/goodsinfo', { id: old.openDemand.id });
      const files = (goods.body.data as { files: Array<{ url: string }> }).files.map((f) => f.url);
      expect(files[0]).toMatch(/^\/uploads\/.*\.pdf$/);
      // The disguised archive was not copied: its old URL stays as it was.
      expect(files[1]).toBe(demandFiles.sketch);
    });

    it('reports each file it could not copy, keeping its old URL', () => {
      const refused = Object.fromEntries(report.files.refusals.map((r) => [r.id, r.reason]));
      expect(refused[`user_person 1: ${old.person.idBack}`]).toBe('missing file');
      expect(refused[`goods_file 3: ${demandFiles.sketch}`]).toBe('The file name does not match its content');
      expect(report.files.refusals).toHaveLength(9);
      expect(report.files.external).toBe(9);
      // The same nine, said as such: refused a copy, so kept as they were.
      expect(report.format()).toMatch(/9 kept as external URLs \(9 of them refused a copy\)/);
    });

    it('takes an old URL of a copied file as its copy when the owner resubmits it', async () => {
      const info = await post('/user/info/info', company);
      const licence = (info.body.data as { company: { pic: string } }).company.pic;
      const again = await post('/user/info/company', company, {
        pic: '/uploads/company/20190301/licence.jpg',
      });
      expect(again.body).toMatchObject({ res: 1 });
      const stored = (again.body.data as { pic: string }).pic;
      expect(stored.split('?')[0]).toBe(licence.split('?')[0]);
    });

    it('copies nothing twice when run again', async () => {
      const uploads = async () =>
        Number(
          (
            await t.stores.database.db
              .selectFrom('uploads')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await uploads();
      const again = await runImport(t, legacy.url, { filesRoot: root });
      expect(again.files.copied).toBe(0);
      expect(again.tables.every((table) => table.imported === 0)).toBe(true);
      expect(await uploads()).toBe(before);
    });
  },
);
