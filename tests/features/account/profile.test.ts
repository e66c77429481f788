import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../client-sdk/index.js';
import { backends } from '../../support/backends.js';
import { encodings } from '../../support/legacy-client.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { info, loginBySms, post, uploadImage } from './account-fixtures.js';

describe.each(backends)('profile over /user/info/info and /user/info/edit ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('shows a new account with every legacy field, labels and null records', async () => {
    const session = await loginBySms(t, undefined, 1);
    expect(await info(t, session)).toEqual({
      id: session.userId,
      token: session.token,
      phone: session.phone,
      email: '',
      face: '',
      address: '',
      usertype: '个人用户',
      userstate: '未认证',
      balance: 0,
      name: '',
      code: '',
      pic: '',
      picf: '',
      person: null,
      company: null,
      geti: null,
    });
  });

  it('reads a JSON null as a field not given, for the avatar as for the others', async () => {
    const session = await loginBySms(t);
    const face = await uploadImage(t, session);
    await post(t, session, '/user/info/edit', {
      email: 'kept@example.cn',
      face: face.url,
      address: '上海市',
    });
    const edited = await post(t, session, '/user/info/edit', { email: null, face: null, address: null });
    expect(edited.body).toEqual({ res: 1, err: '', data: '' });
    expect(await info(t, session)).toMatchObject({
      email: 'kept@example.cn',
      face: face.url,
      address: '上海市',
    });
  });

  describe.each(encodings)('with a %s body', (encoding) => {
    it('edits email, avatar (by URL or id) and address (cascader array or string)', async () => {
      const session = await loginBySms(t, undefined, 2);
      const face = await uploadImage(t, session);
      const edited = await post(
        t,
        session,
        '/user/info/edit',
        { email: 'li.lei@example.cn', face: face.url, address: ['广东省', '深圳市', '南山区'] },
        encoding,
      );
      expect(edited.body).toEqual({ res: 1, err: '', data: '' });
      expect(await info(t, session)).toMatchObject({
        email: 'li.lei@example.cn',
        face: face.url,
        address: '广东省,深圳市,南山区',
        usertype: '企业用户',
      });

      const other = await uploadImage(t, session, 20);
      await post(
        t,
        session,
        '/user/info/edit',
        { face: String(other.id), address: '北京市朝阳区' },
        encoding,
      );
      expect(await info(t, session)).toMatchObject({
        email: 'li.lei@example.cn',
        face: other.url,
        address: '北京市朝阳区',
      });

      await post(t, session, '/user/info/edit', { face: '', email: '' }, encoding);
      expect(await info(t, session)).toMatchObject({ email: '', face: '', address: '北京市朝阳区' });
    });

    it('refuses a bad email or an avatar that is not an upload of this service, changing nothing', async () => {
      const session = await loginBySms(t);
      await post(t, session, '/user/info/edit', { email: 'ok@example.com' }, encoding);
      for (const [fields, err] of [
        [{ email: 'not-an-email' }, '邮箱格式错误'],
        [
          { email: 'a@b.cn', face: '/uploads/2026/01/01/AAAAAAAAAAAAAAAAAAAAAA.png' },
          '文件无效，请使用本站上传的文件',
        ],
        [{ face: 'https://evil.example.com/x.png' }, '文件无效，请使用本站上传的文件'],
        [{ face: '999999999' }, '文件无效，请使用本站上传的文件'],
        [{ address: '长'.repeat(501) }, '地址不能超过500个字符'],
      ] as const) {
        const answer = await post(t, session, '/user/info/edit', fields, encoding);
        expect(answer.body).toEqual({ res: 0, err, data: '' });
      }
      expect(await info(t, session)).toMatchObject({ email: 'ok@example.com', face: '', address: '' });
    });
  });

  it('answers the typed overview with real types', async () => {
    const session = await loginBySms(t);
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const client = createClient({ url, token: session.token });
    const face = await uploadImage(t, session);
    const profile = await client.account.updateProfile.mutate({ email: 'typed@example.com', face: face.id });
    expect(profile).toMatchObject({
      id: session.userId,
      email: 'typed@example.com',
      face: face.url,
      verified: false,
    });
    expect(profile.createdAt).toBeInstanceOf(Date);
    expect(await client.account.overview.query()).toEqual({
      profile,
      balanceFen: 0,
      person: null,
      company: null,
      individualBusiness: null,
    });
    // Trimmed as the legacy door's form trims it: before, the typed door refused a pasted address.
    expect(await client.account.updateProfile.mutate({ email: ' pasted@example.com\n' })).toMatchObject({
      email: 'pasted@example.com',
    });
    await expect(client.account.updateProfile.mutate({ email: 'not an email' })).rejects.toMatchObject({
      data: { appCode: 'VALIDATION_FAILED' },
    });
  });
});
