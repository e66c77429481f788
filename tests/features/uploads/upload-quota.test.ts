import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { sampleJpeg, samplePdf, samplePng } from '../../support/sample-files.js';
import { backendsAndStorage, randomIp, startTestApp, type TestApp } from '../../support/test-app.js';
import { postFile, postTypedFile } from '../../support/upload-client.js';

type Session = Awaited<ReturnType<typeof loginBySms>>;

// Each upload from an address of its own: the per-client slots are not what is tested here.
const legacyUploadOf = (t: TestApp, session: Session, content: Buffer, filename: string) =>
  postFile(t.app, '/user/api/file_upload', {
    content,
    filename,
    fields: checkFields(session),
    ip: randomIp(),
  });

const typedUploadOf = (t: TestApp, session: Session, content: Buffer, filename = 'work.pdf') =>
  postTypedFile(t.app, session.token, { content, filename, ip: randomIp() });

/**
 * Uploads are kept for good (rows name them; deleting a demand file leaves its bytes), so a member
 * uploading without end filled the storage, 50 MB a file: nothing counted a logged-in user's uploads.
 */
describe.each(backendsAndStorage(backends))('uploads per user per hour ($name)', ({ backend, storage }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { LIMIT_UPLOAD_PER_USER_HOUR: '3' }, { storage });
  });
  afterAll(() => t.close());

  const legacyUpload = (session: Session, content = samplePdf(), filename = 'work.pdf') =>
    legacyUploadOf(t, session, content, filename);
  const typedUpload = (session: Session, content = samplePdf()) => typedUploadOf(t, session, content);
  const uploadsOf = async (userId: number) =>
    (await t.stores.database.db.selectFrom('uploads').select('id').where('user_id', '=', userId).execute())
      .length;

  it('refuses a member past the hourly limit on either door, keeping none of the refused files', async () => {
    const member = await loginBySms(t);
    expect((await legacyUpload(member)).body.res).toBe(1);
    expect((await typedUpload(member)).status).toBe(200);
    expect((await legacyUpload(member, samplePng(), 'a.png')).body.res).toBe(1);
    const stored = await t.storedKeys();

    // The login fields come after the file here: the file streams in whole, and is dropped.
    const legacy = await postFile(t.app, '/user/api/file_upload', {
      content: samplePdf(),
      filename: 'more.pdf',
      fields: checkFields(member),
      fieldsAfterFile: true,
      ip: randomIp(),
    });
    expect(legacy.body).toEqual({ res: 0, err: '上传过于频繁，请稍后再试', data: '' });
    expect((await legacyUpload(member)).body).toEqual({ res: 0, err: '上传过于频繁，请稍后再试', data: '' });
    const typed = await typedUpload(member);
    expect(typed.status).toBe(429);
    // The three counted came at the same moment of the test's clock: one more an hour after them.
    expect(typed.body.error).toMatchObject({
      data: { appCode: 'UPLOAD_TOO_FREQUENT', retryAfterSeconds: 3600 },
    });
    expect(typed.headers['retry-after']).toBe('3600');
    expect(await uploadsOf(member.userId)).toBe(3);
    expect(await t.storedKeys()).toEqual(stored);

    // Another member is counted apart; an hour later the first uploads again.
    expect((await legacyUpload(await loginBySms(t))).body.res).toBe(1);
    t.clock.advance(60 * 60_000);
    expect((await legacyUpload(member)).body.res).toBe(1);
    expect((await typedUpload(member)).status).toBe(200);
    expect(await uploadsOf(member.userId)).toBe(5);
  });
});

/**
 * The hourly counts still let one account store 5 GB an hour (100 files of 50 MB) and one address
 * without a login 150 MB an hour, day after day, and uploads are kept for good: a day's bytes are
 * capped too, from the users' midnight.
 */
describe.each(backends)('bytes uploaded a day ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, {
      LIMIT_UPLOAD_MB_PER_USER_DAY: '1',
      LIMIT_ANON_UPLOAD_MB_PER_IP_DAY: '1',
    });
  });
  afterAll(() => t.close());

  const sixTenths = () => sampleJpeg(Math.round(0.6 * 1024 * 1024));
  const used = { res: 0, err: '今日上传已达上限，请明天再试', data: '' };

  it('refuses a member’s upload once the day’s bytes reach the cap, on either door, until the next day', async () => {
    const member = await loginBySms(t);
    const upload = () => legacyUploadOf(t, member, sixTenths(), 'a.jpg');
    // 0.6 MB, then 1.2 MB: the second passes the cap (its size is known once stored); the third is refused.
    expect((await upload()).body.res).toBe(1);
    expect((await upload()).body.res).toBe(1);
    expect((await upload()).body).toEqual(used);
    const typed = await typedUploadOf(t, member, samplePng(), 'b.png');
    expect(typed.status).toBe(429);
    expect(typed.body.error).toMatchObject({ data: { appCode: 'UPLOAD_DAILY_QUOTA_USED' } });
    // Another member is counted apart; the next day (midnight in Shanghai) the first uploads again.
    expect((await legacyUploadOf(t, await loginBySms(t), samplePng(), 'c.png')).body.res).toBe(1);
    t.clock.advance(24 * 60 * 60_000);
    expect((await upload()).body.res).toBe(1);
  });

  it('refuses an address uploading without a login once its day’s bytes reach the cap', async () => {
    const ip = randomIp();
    const upload = () =>
      postFile(t.app, '/index/api/file_upload', { content: sixTenths(), filename: 'a.jpg', ip });
    expect((await upload()).body.res).toBe(1);
    expect((await upload()).body.res).toBe(1);
    expect((await upload()).body).toEqual(used);
    expect(
      (
        await postFile(t.app, '/index/api/file_upload', {
          content: sixTenths(),
          filename: 'a.jpg',
          ip: randomIp(),
        })
      ).body.res,
    ).toBe(1);
  });
});
