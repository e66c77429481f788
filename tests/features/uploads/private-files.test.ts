import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../../../client-sdk/index.js';
import * as privateUploadsMigration from '../../../migrations/20261213000000_private_uploads.js';
import { systemClock } from '../../../server/src/clock.js';
import { VerificationService } from '../../../server/src/features/account/verification.service.js';
import { FileReferences } from '../../../server/src/features/uploads/file-references.js';
import { UploadUrlSigner } from '../../../server/src/features/uploads/signed-urls.js';
import { insertUser } from '../../../server/src/features/user/user.repository.js';
import { runAdmin } from '../../support/admin-cli.js';
import { adminSession, checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends, openPrivateDatabase } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { approveDemand, postDemand, uploadFile } from '../../support/marketplace-flow.js';
import { samplePdf, samplePng } from '../../support/sample-files.js';
import { signedUrls } from '../../support/signed-urls.js';
import { backendsAndStorage, randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';
import { postFile } from '../../support/upload-client.js';
import { idNumber } from '../account/account-fixtures.js';

type Session = Awaited<ReturnType<typeof loginBySms>>;

// The /uploads route decides what is served, before storage is asked; so on either driver.
describe.each(backendsAndStorage(backends))(
  'private files: identity and company documents ($name)',
  ({ backend, storage }) => {
    let t: TestApp;
    let baseUrl: string;
    let admin: Client;

    beforeAll(async () => {
      t = await startTestApp(backend, {}, { storage });
      baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
      admin = createClient({ url: baseUrl, token: (await adminSession(t)).token });
    });
    afterAll(() => t.close());

    const get = (url: string, method: 'GET' | 'HEAD' = 'GET') => t.app.inject({ method, url });
    const post = (session: Session, url: string, fields: Record<string, unknown> = {}) =>
      legacyPost(t.app, url, { ...checkFields(session), ...fields });
    const personOf = async (session: Session) =>
      (await post(session, '/user/info/info')).body.data as { pic: string; person: Record<string, string> };

    /** A 404 with the envelope and none of the file's bytes. */
    async function expectHidden(url: string) {
      for (const method of ['GET', 'HEAD'] as const) {
        const answer = await get(url, method);
        expect(answer.statusCode, `${method} ${url}`).toBe(404);
        expect(answer.headers['content-type']).toMatch(/^application\/json/);
        if (method === 'GET') expect(answer.json()).toEqual({ res: 0, err: '接口不存在', data: '' });
      }
    }

    it('takes back the signed URLs the owner got (the wizard resends them), and stores the plain one', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const licenseUrl = await uploadFile(t, owner, samplePng(31, 9), 'license.png');
      const frontUrl = await uploadFile(t, owner, samplePng(32, 9), 'front.png');
      const first = await post(owner, '/user/info/company', {
        name: '某公司',
        pic: licenseUrl,
        faren_z: frontUrl,
      });
      const shown = first.body.data as { pic: string; faren_z: string; faren_f: string };
      expect(shown).toMatchObject({
        pic: signedUrls(licenseUrl),
        faren_z: signedUrls(frontUrl),
        faren_f: '',
      });

      // Resent as received (signed), relative and absolute; the record keeps naming the same uploads.
      const again = await post(owner, '/user/info/company', {
        name: '某公司',
        pic: shown.pic,
        faren_z: `${baseUrl}${shown.faren_z}`,
      });
      expect(again.body.res).toBe(1);
      expect(again.body.data).toMatchObject({ pic: signedUrls(licenseUrl), faren_z: signedUrls(frontUrl) });
      const typed = await createClient({
        url: baseUrl,
        token: owner.token,
      }).account.getMyVerifications.query();
      expect(typed.company?.license).toEqual([signedUrls(licenseUrl)]);
      expect(typed.company?.legalRepIdFront).toEqual([signedUrls(frontUrl)]);
      const [signedLicense = ''] = typed.company?.license ?? [];
      expect((await get(signedLicense)).statusCode).toBe(200);
      await expectHidden(licenseUrl);

      // Nobody else can name it, not even with the signed URL in hand.
      const intruder = await loginBySms(t, undefined, 2);
      for (const ref of [shown.pic, licenseUrl]) {
        const stolen = await post(intruder, '/user/info/company', { name: '乙公司', pic: ref });
        expect(stolen.body).toEqual({ res: 0, err: '文件无效，请使用本站上传的文件', data: '' });
      }
    });

    it('keeps an approved identity when the wizard re-sends the signed URLs it read', async () => {
      const owner = await loginBySms(t, undefined, 1);
      const frontUrl = await uploadFile(t, owner, samplePng(35, 9), 'front.png');
      const backUrl = await uploadFile(t, owner, samplePng(36, 9), 'back.png');
      const code = idNumber();
      await post(owner, '/user/info/person', { name: '李雷', code, pic: frontUrl, picf: backUrl });
      await admin.account.reviewVerification.mutate({
        userId: owner.userId,
        kind: 'person',
        decision: 'approve',
      });
      const read = (await personOf(owner)).person;
      expect(read.pic).toEqual(signedUrls(frontUrl));
      const again = await post(owner, '/user/info/person', {
        name: '李雷',
        code,
        pic: read.pic,
        picf: read.picf,
        money: '300',
      });
      expect(again.body.data).toMatchObject({ state: '通过', money: 300, pic: signedUrls(frontUrl) });
    });

    it('makes an anonymous upload the owner’s once a record names it', async () => {
      const owner = await loginBySms(t, undefined, 1);
      const anonymous = await postFile(t.app, '/index/api/file_upload', {
        content: samplePng(41, 9),
        filename: 'card.png',
      });
      const cardUrl = (anonymous.body.data as { url: string }).url;
      const submitted = await post(owner, '/user/info/person', {
        name: '王五',
        code: idNumber(),
        pic: cardUrl,
      });
      expect(submitted.body.res).toBe(1);
      await expectHidden(cardUrl);
      const other = await loginBySms(t, undefined, 1);
      const taken = await post(other, '/user/info/person', {
        name: '赵六',
        code: idNumber(),
        pic: cardUrl,
      });
      expect(taken.body.err).toBe('文件无效，请使用本站上传的文件');
    });

    it("keeps an anonymous upload a demand shows from being made private by another's record", async () => {
      // Before, anyone who saw the image could name it in a verification record: it became private
      // and theirs, and the demand's image answered 404 to everyone.
      const owner = await loginBySms(t, undefined, 2);
      const anonymous = await postFile(t.app, '/index/api/file_upload', {
        content: samplePng(42, 9),
        filename: 'shown.png',
      });
      const imageUrl = (anonymous.body.data as { url: string }).url;
      await postDemand(t, owner, { file: imageUrl });
      const stranger = await loginBySms(t, undefined, 1);
      const taken = await post(stranger, '/user/info/person', {
        name: '赵六',
        code: idNumber(),
        pic: imageUrl,
      });
      expect(taken.body.err).toBe('文件无效，请使用本站上传的文件');
      expect((await get(imageUrl)).statusCode).toBe(200);
      // The demand's owner, who named it first, still may (an edit sends it again).
      expect((await postDemand(t, owner, { file: imageUrl })) > 0).toBe(true);
    });

    it('gives admins signed URLs in the review queue, by API and by CLI', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const license = samplePng(51, 9);
      const licenseUrl = await uploadFile(t, owner, license, 'license.png');
      await post(owner, '/user/info/company', { name: '待审公司', pic: licenseUrl });
      await expectHidden(licenseUrl);

      let item:
        | Awaited<ReturnType<Client['account']['pendingVerifications']['query']>>['items'][number]
        | undefined;
      for (let page = 1; !item; page++) {
        const queue = await admin.account.pendingVerifications.query({ kind: 'company', page, perPage: 100 });
        item = queue.items.find((i) => i.verification.userId === owner.userId);
        if (page >= queue.lastPage) break;
      }
      if (item?.kind !== 'company') throw new Error('the submission is not in the review queue');
      expect(item.verification.license).toEqual([signedUrls(licenseUrl)]);
      const viaApi = await get(item.verification.license[0] ?? '');
      expect(viaApi.rawPayload.equals(license)).toBe(true);

      let line: { verification: { userId: number; license: string[] } } | undefined;
      for (let page = 1; !line; page++) {
        const output = await runAdmin(t, 'pending-verifications', { kind: 'company', page: String(page) });
        const lines = output.split('\n');
        line = lines
          .slice(0, -1)
          .map((l) => JSON.parse(l) as { verification: { userId: number; license: string[] } })
          .find((l) => l.verification.userId === owner.userId);
        if (lines.length === 1) break;
      }
      expect(line?.verification.license).toEqual([signedUrls(licenseUrl)]);
      const viaCli = await get(line?.verification.license[0] ?? '');
      expect(viaCli.statusCode).toBe(200);
      expect(viaCli.rawPayload.equals(license)).toBe(true);
    });

    it('keeps avatars, demand attachments and application files public', async () => {
      const owner = await loginBySms(t, undefined, 2);
      const avatarUrl = await uploadFile(t, owner, samplePng(61, 9), 'me.png');
      const attachmentUrl = await uploadFile(t, owner, samplePdf(), 'brief.pdf');
      expect((await post(owner, '/user/info/edit', { face: avatarUrl })).body.res).toBe(1);
      const demandId = await postDemand(t, owner, { file: attachmentUrl });
      await approveDemand(t, demandId);
      const applicant = await loginBySms(t, undefined, 1);
      const applicationUrl = await uploadFile(t, applicant, samplePng(62, 9), 'work.png');
      const applied = await post(applicant, '/user/goods_order/add', {
        goods_id: String(demandId),
        msg: '作品见附件',
        file: applicationUrl,
      });
      expect(applied.body.res).toBe(1);
      for (const url of [avatarUrl, attachmentUrl, applicationUrl]) {
        const answer = await get(url);
        expect(answer.statusCode, url).toBe(200);
        expect(answer.headers['cache-control']).toMatch(/immutable/);
      }
      expect((await personOf(owner)).pic).toBe('');
    });

    it('serves a verification document only through the signed URL its owner reads, for about an hour', async () => {
      const owner = await loginBySms(t, undefined, 1);
      const front = samplePng(21, 9);
      const frontUrl = await uploadFile(t, owner, front, 'front.png');
      const backUrl = await uploadFile(t, owner, samplePng(22, 9), 'back.png');
      const cvUrl = await uploadFile(t, owner, samplePdf(), 'cv.pdf');
      // Before a record names it, an upload is public like any other.
      expect((await get(frontUrl)).statusCode).toBe(200);

      const submitted = await post(owner, '/user/info/person', {
        name: '张三',
        code: idNumber(),
        pic: frontUrl,
        picf: backUrl,
        fileone: cvUrl,
      });
      expect(submitted.body.res).toBe(1);
      for (const url of [frontUrl, backUrl, cvUrl]) await expectHidden(url);

      // The legacy account page hands out signed URLs, which an <img src> can load without a login.
      const person = await personOf(owner);
      expect(person.pic).toEqual(signedUrls(frontUrl));
      expect(person.person.picf).toEqual(signedUrls(backUrl));
      expect(person.person.fileone).toEqual(signedUrls(cvUrl));
      const served = await get(person.pic);
      expect(served.statusCode).toBe(200);
      expect(served.rawPayload.equals(front)).toBe(true);
      const maxAge = Number(/max-age=(\d+)/.exec(String(served.headers['cache-control']))?.[1]);
      expect(served.headers['cache-control']).not.toMatch(/immutable|public/);
      expect(maxAge).toBeGreaterThanOrEqual(60 * 60);
      expect(maxAge).toBeLessThanOrEqual(75 * 60);

      // Tampered, borrowed from another file, or missing a part: all look like nothing is there.
      const [, exp = '', sig = ''] = /\?exp=(\d+)&sig=(.+)$/.exec(person.pic) ?? [];
      const otherSig = /&sig=(.+)$/.exec(String(person.person.picf))?.[1];
      await expectHidden(`${frontUrl}?exp=${exp}&sig=${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`);
      await expectHidden(`${frontUrl}?exp=${exp}&sig=${otherSig}`);
      await expectHidden(`${frontUrl}?exp=${Number(exp) + 3600}&sig=${sig}`);
      await expectHidden(`${frontUrl}?sig=${sig}`);
      await expectHidden(`${frontUrl}?exp=${exp}&sig=`);

      // Valid for at least an hour from when it was read, and not for long after. (Last in the file:
      // it moves the app's clock past the CLI's, which signs by the system clock.)
      t.clock.advance(59 * 60_000);
      expect((await get(person.pic)).statusCode).toBe(200);
      t.clock.advance(17 * 60_000);
      await expectHidden(person.pic);
      // A fresh read mints a fresh URL.
      const later = await personOf(owner);
      expect(later.pic).not.toBe(person.pic);
      expect((await get(later.pic)).statusCode).toBe(200);
    });
  },
);

describe.each(backends)('the private-uploads migration ($name)', (backend) => {
  it('marks the uploads existing records name as private, and gives anonymous ones to the record owner', async () => {
    const { database, close } = await openPrivateDatabase(backend);
    try {
      const db = database.db;
      const now = Date.now();
      const key = (n: number) => `2026/12/01/${String(n).padStart(22, 'k')}.png`;
      const upload = (n: number, userId: number | null) => ({
        user_id: userId,
        storage_key: key(n),
        original_name: `${n}.png`,
        mime: 'image/png',
        size: 1,
        created_at: now,
      });
      const person = await insertUser(db, { phone: randomPhone(), usertype: 1, now });
      const company = await insertUser(db, { phone: randomPhone(), usertype: 2, now });
      await db
        .insertInto('uploads')
        .values([
          upload(1, person),
          upload(2, null),
          upload(3, company),
          upload(4, company),
          upload(5, person),
        ])
        .execute();
      const verifications = new VerificationService(
        db,
        systemClock,
        new FileReferences(db),
        new UploadUrlSigner('x'.repeat(40)),
      );
      await verifications.submitPerson(person, {
        name: '甲',
        idNumber: idNumber(),
        idCardFront: [`/uploads/${key(1)}`],
      });
      await verifications.submitCompany(company, {
        name: '乙',
        license: [`/uploads/${key(3)}`],
        legalRepIdFront: [`/uploads/${key(4)}`],
      });
      // Records from before the column: the service marked these on submission, the migration must
      // find them again, and one more that names an anonymous upload.
      // Back to before the column, then `up` by a migrator of its own (beside the service's table).
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => ({ private_uploads: privateUploadsMigration }) },
        migrationTableName: 'test_private_uploads_migration',
        migrationLockTableName: 'test_private_uploads_migration_lock',
      });
      await db.schema.alterTable('uploads').dropColumn('private').execute();
      await db
        .updateTable('person_verifications')
        .set({ id_back: `/uploads/${key(2)}` })
        .where('user_id', '=', person)
        .execute();

      expect((await migrator.migrateUp()).error).toBeUndefined();
      const rows = await db
        .selectFrom('uploads')
        .select(['storage_key', 'user_id', 'private'])
        .orderBy('id')
        .execute();
      expect(rows.map((r) => [r.storage_key, r.user_id, Number(r.private)])).toEqual([
        [key(1), person, 1],
        [key(2), person, 1],
        [key(3), company, 1],
        [key(4), company, 1],
        [key(5), person, 0],
      ]);
    } finally {
      await close();
    }
  });
});
