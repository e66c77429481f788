import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { encodings, legacyPost } from '../support/legacy-client.js';
import { demandFields } from '../support/marketplace-flow.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A file field holding digits is read as an upload id. Digits past any id (a 400-digit number is
 * Infinity to JavaScript) named no upload, but reached MySQL as `Infinity` in the SQL: HTTP 500.
 */
const notIds = ['9'.repeat(400), '9'.repeat(20), '2147483648', `${'0'.repeat(400)}1`];

describe.each(backends)('file fields holding numbers past any id ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('answers 文件无效 for each, in every encoding, and changes nothing', async () => {
    const company = await loginBySms(t, undefined, 2);
    for (const encoding of encodings) {
      for (const ref of notIds) {
        for (const [path, fields] of [
          ['/user/goods/add', demandFields({ file: ref })],
          ['/user/goods/add', demandFields({ file: ['', ref] })],
          ['/user/info/company', { name: '深圳某科技有限公司', faren_z: ref }],
          ['/user/info/person', { name: '李雷', code: '11010519491231002X', fileone: ref }],
        ] as const) {
          const answer = await legacyPost(t.app, path, { ...checkFields(company), ...fields }, encoding);
          const what = `${path} ${ref.slice(0, 12)}…(${ref.length}) ${encoding}`;
          expect(answer.status, what).toBe(200);
          expect(answer.body, what).toEqual({ res: 0, err: '文件无效，请使用本站上传的文件', data: '' });
        }
      }
    }
    const mine = await legacyPost(t.app, '/user/goods/index', checkFields(company));
    expect((mine.body.data as { total: number }).total).toBe(0);
    const info = await legacyPost(t.app, '/user/info/info', checkFields(company));
    expect(info.body.data).toMatchObject({ person: null, company: null });
  });
});
