import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../client-sdk/index.js';
import { backends } from '../../support/backends.js';
import { encodings, legacyPost } from '../../support/legacy-client.js';
import { signedUrls } from '../../support/signed-urls.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { idNumber, info, loginBySms, post, uploadImage } from './account-fixtures.js';

/** Personal data (ID numbers, ID card images) belongs to its owner: nobody else reads or changes it. */
describe.each(backends)('account isolation ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it.each(encodings)(
    "refuses another user's token on every route, with a %s body, changing nothing",
    async (encoding) => {
      const owner = await loginBySms(t);
      const intruder = await loginBySms(t);
      const code = idNumber();
      const pic = await uploadImage(t, owner);
      await post(t, owner, '/user/info/person', { name: '本人', code, pic: pic.url });
      await post(t, owner, '/user/info/edit', { email: 'owner@example.com' });
      const before = await info(t, owner);

      const asIntruder = { user_id_check: String(owner.userId), token_check: intruder.token };
      for (const [url, fields] of [
        ['/user/info/info', {}],
        ['/user/info/edit', { email: 'x@evil.example' }],
        ['/user/info/person', { name: '冒名', code: idNumber() }],
        ['/user/info/company', { name: '冒名公司' }],
        ['/user/info/geti', { name: '冒名店' }],
      ] as const) {
        const answer = await legacyPost(t.app, url, { ...asIntruder, ...fields }, encoding);
        expect(answer.body).toEqual({ res: 0, err: '没有登录或状态过期', data: '' });
      }
      expect(await info(t, owner)).toEqual(before);

      // With their own id the intruder only ever sees and changes their own account.
      const own = await info(t, intruder);
      expect(own).toMatchObject({ id: intruder.userId, name: '', code: '', person: null, email: '' });
      expect(JSON.stringify(own)).not.toContain(code);
    },
  );

  it("refuses to put another user's upload into one's own record", async () => {
    const owner = await loginBySms(t);
    const intruder = await loginBySms(t);
    const ownersCard = await uploadImage(t, owner);
    for (const ref of [ownersCard.url, String(ownersCard.id), `http://localhost:3000${ownersCard.url}`]) {
      const answer = await post(t, intruder, '/user/info/person', { name: '乙', code: idNumber(), pic: ref });
      expect(answer.body).toEqual({ res: 0, err: '文件无效，请使用本站上传的文件', data: '' });
    }
    const edit = await post(t, intruder, '/user/info/edit', { face: ownersCard.url });
    expect(edit.body.err).toBe('文件无效，请使用本站上传的文件');
    expect(await info(t, intruder)).toMatchObject({ face: '', person: null });
    // An absolute URL of one's own upload is stored as the path the upload answered.
    const mine = await post(t, owner, '/user/info/person', {
      name: '甲',
      code: idNumber(),
      pic: `http://localhost:3000${ownersCard.url}`,
    });
    expect((mine.body.data as { pic: string }).pic).toEqual(signedUrls(ownersCard.url));
  });

  it('keeps the typed verification procedures to the caller, and admin procedures to admins', async () => {
    const owner = await loginBySms(t);
    const other = await loginBySms(t);
    await post(t, owner, '/user/info/company', { name: '甲公司' });
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const asOther = createClient({ url, token: other.token });
    expect(await asOther.account.getMyVerifications.query()).toEqual({
      person: null,
      company: null,
      individualBusiness: null,
    });
    await expect(asOther.account.pendingVerifications.query({})).rejects.toMatchObject({
      data: { appCode: 'ADMIN_ONLY' },
    });
    await expect(
      asOther.account.reviewVerification.mutate({
        userId: owner.userId,
        kind: 'company',
        decision: 'approve',
      }),
    ).rejects.toMatchObject({ data: { appCode: 'ADMIN_ONLY' } });
    await expect(createClient({ url }).account.overview.query()).rejects.toMatchObject({
      data: { appCode: 'UNAUTHENTICATED' },
    });
    expect((await info(t, owner)).company).toMatchObject({ state: '未审核' });
  });
});
