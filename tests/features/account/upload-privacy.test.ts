import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import {
  approveDemand,
  demandFields,
  legacyCalls,
  postDemand,
  type Session,
  uploadFile,
} from '../../support/marketplace-flow.js';
import { samplePng } from '../../support/sample-files.js';
import { signedUrls } from '../../support/signed-urls.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { uploadRowOf } from '../../support/upload-client.js';
import { idNumber } from './account-fixtures.js';

/** One's own identity document named in a public record: said as what it is, not as no upload. */
const identityDocument = { res: 0, err: '该文件为认证资料，不能公开使用，请重新上传', data: '' };

/**
 * One upload named by a public record (a demand's attachment, an avatar) and by a verification
 * record: the verification names a private copy, so the public record keeps showing the upload.
 * And the reverse: an upload a verification made private is refused in a public record.
 */
describe.each(backends)('uploads named by public records and by verifications ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  const { post } = legacyCalls(() => t);
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const uploadsOf = async (userId: number) =>
    (
      await t.stores.database.db
        .selectFrom('uploads')
        .select('storage_key')
        .where('user_id', '=', userId)
        .execute()
    ).length;
  /** The bytes served at `url`, or a failed expectation naming it. */
  async function served(url: string): Promise<Buffer> {
    const answer = await get(url);
    expect(answer.statusCode, url).toBe(200);
    return answer.rawPayload;
  }
  const plain = (signed: string) => signed.split('?')[0] ?? '';

  it("keeps a demand's attachment public when its owner names it in their company verification, and takes the record back as read", async () => {
    const owner = await loginBySms(t, undefined, 2);
    const image = samplePng(71, 9);
    const url = await uploadFile(t, owner, image, 'scan.png');
    const demandId = await postDemand(t, owner, { file: url });
    await approveDemand(t, demandId);

    const submitted = await post('/user/info/company', owner, { name: '某公司', faren_f: url });
    expect(submitted.body.res).toBe(1);
    const { faren_f: signedCopy } = submitted.body.data as { faren_f: string };
    const copyUrl = plain(signedCopy);
    // The record names a copy of its own, served only signed.
    expect(copyUrl).not.toBe(url);
    expect(signedCopy).toEqual(signedUrls(copyUrl));
    expect((await served(signedCopy)).equals(image)).toBe(true);
    expect((await get(copyUrl)).statusCode).toBe(404);
    // The demand still shows the upload to everyone.
    expect((await served(url)).equals(image)).toBe(true);
    const demandFiles = await t.stores.database.db
      .selectFrom('demand_files')
      .select('url')
      .where('demand_id', '=', demandId)
      .execute();
    expect(demandFiles.map((f) => f.url)).toEqual([url]);

    // Resubmitted as read (the signed URL of the copy): no further copy, the same record.
    const uploads = await uploadsOf(owner.userId);
    const again = await post('/user/info/company', owner, { name: '某公司', faren_f: signedCopy });
    expect(again.body.res).toBe(1);
    expect((again.body.data as { faren_f: string }).faren_f).toEqual(signedUrls(copyUrl));
    expect(await uploadsOf(owner.userId)).toBe(uploads);
  });

  it('keeps an avatar public when its owner names it in their person verification, and takes the record back as read', async () => {
    const owner = await loginBySms(t, undefined, 1);
    const image = samplePng(72, 9);
    const url = await uploadFile(t, owner, image, 'me.png');
    expect((await post('/user/info/edit', owner, { face: url })).body.res).toBe(1);

    const code = idNumber();
    const submitted = await post('/user/info/person', owner, { name: '张三', code, pic: url });
    expect(submitted.body.res).toBe(1);
    const { pic } = submitted.body.data as { pic: string };
    expect(plain(pic)).not.toBe(url);
    expect(pic).toEqual(signedUrls(plain(pic)));
    expect((await served(pic)).equals(image)).toBe(true);
    expect((await served(url)).equals(image)).toBe(true);

    const again = await post('/user/info/person', owner, { name: '张三', code, pic });
    expect(again.body.res).toBe(1);
    expect((again.body.data as { pic: string }).pic).toEqual(signedUrls(plain(pic)));
    expect((await served(url)).equals(image)).toBe(true);
  });

  it('makes an upload only a verification names private, without copying it', async () => {
    const owner = await loginBySms(t, undefined, 1);
    const url = await uploadFile(t, owner, samplePng(73, 9), 'front.png');
    const submitted = await post('/user/info/person', owner, { name: '李四', code: idNumber(), pic: url });
    expect(submitted.body.res).toBe(1);
    expect((submitted.body.data as { pic: string }).pic).toEqual(signedUrls(url));
    expect((await get(url)).statusCode).toBe(404);
    expect(await uploadsOf(owner.userId)).toBe(1);
    // Private and never shown: no public record may name it from now on.
    const row = await uploadRowOf(t, url);
    expect({ private: Number(row?.private), shown: Number(row?.shown) }).toEqual({ private: 1, shown: 0 });
  });

  it('refuses a verification document in an application, a demand or an avatar, and stores nothing', async () => {
    const employer = await loginBySms(t, undefined, 2);
    const demandId = await postDemand(t, employer);
    await approveDemand(t, demandId);

    for (const usertype of [1, 2]) {
      const owner = await loginBySms(t, undefined, usertype);
      const upload = await postFileAs(owner, samplePng(74 + usertype, 9));
      const record =
        usertype === 1
          ? await post('/user/info/person', owner, { name: '王五', code: idNumber(), pic: upload.url })
          : await post('/user/info/company', owner, { name: '某公司', pic: upload.url });
      expect(record.body.res).toBe(1);
      const { pic: signed } = record.body.data as { pic: string };

      for (const ref of [upload.url, signed, String(upload.id)]) {
        const applied = await post('/user/goods_order/add', owner, {
          goods_id: String(demandId),
          msg: '见附件',
          file: ref,
        });
        expect(applied.body, `application naming ${ref}`).toEqual(identityDocument);
        const face = await post('/user/info/edit', owner, { face: ref });
        expect(face.body, `avatar naming ${ref}`).toEqual(identityDocument);
        if (usertype === 2) {
          const demand = await post('/user/goods/add', owner, demandFields({ file: ref }));
          expect(demand.body, `demand naming ${ref}`).toEqual(identityDocument);
        }
      }

      const db = t.stores.database.db;
      const applications = await db
        .selectFrom('applications')
        .select('id')
        .where('applicant_id', '=', owner.userId)
        .execute();
      const demands = await db
        .selectFrom('demands')
        .select('id')
        .where('owner_id', '=', owner.userId)
        .execute();
      const user = await db
        .selectFrom('users')
        .select('face')
        .where('id', '=', owner.userId)
        .executeTakeFirst();
      expect({ applications, demands, face: user?.face }).toEqual({
        applications: [],
        demands: [],
        face: '',
      });
      // Still private, and not shown: the verification still names it as it was.
      expect((await get(upload.url)).statusCode).toBe(404);
      expect((await served(signed)).length).toBeGreaterThan(0);
    }
  });

  /** Uploads as the user and answers the upload's id and URL. */
  async function postFileAs(session: Session, content: Buffer): Promise<{ id: number; url: string }> {
    const url = await uploadFile(t, session, content, 'card.png');
    const row = await uploadRowOf(t, url);
    if (!row) throw new Error(`no upload row for ${url}`);
    return { id: row.id, url };
  }
});
