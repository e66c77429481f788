import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { approveDemand, demandFields, postDemand } from '../support/marketplace-flow.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Half of a surrogate pair (`"\ud800"`, which JSON can carry) is no character: MySQL stored U+FFFD
 * in its place and SQLite three of them, while the answer echoed what was sent. Such text is refused
 * like a control character; whole 4-byte characters (emoji) are stored exactly, up to the length cap.
 */
const loneHalves = ['a\ud800b', 'a\udfffb', '\ud83d'];
/** Bidirectional overrides and isolates: shown beside other text, they reorder it (an ID number read backwards). */
const bidiControls = ['张三\u202e', 'a\u202db', '\u2066李四\u2069', 'x\u202ay'];

describe.each(backends)('text that is not Unicode on the legacy door ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('refuses half a surrogate pair or a bidirectional control in single-line and multi-line text, and stores nothing', async () => {
    const person = await loginBySms(t, undefined, 1);
    const company = await loginBySms(t, undefined, 2);
    for (const text of [...loneHalves, ...bidiControls]) {
      const cases = [
        [person, '/user/user_person_ji/add', { name: text, fen: 3 }, '技能描述格式错误'],
        [person, '/user/user_person_des/add', { name: '预约小程序', des: text }, '工作简介格式错误'],
        [company, '/user/goods/add', demandFields({ title: `标题${text}` }), '任务名称格式错误'],
        [company, '/user/goods/add', demandFields({ des: text }), '详情格式错误'],
        [company, '/user/info/geti', { name: '小吃店', faren_name: text }, '法人名字格式错误'],
      ] as const;
      for (const [who, path, fields, err] of cases) {
        const answer = await legacyPost(t.app, path, { ...checkFields(who), ...fields });
        expect(answer.status, `${path} ${JSON.stringify(text)}`).toBe(200);
        expect(answer.body, `${path} ${JSON.stringify(text)}`).toEqual({ res: 0, err, data: '' });
      }
    }
    for (const [who, path] of [
      [person, '/user/user_person_ji/index'],
      [person, '/user/user_person_des/index'],
      [company, '/user/goods/index'],
    ] as const) {
      const list = await legacyPost(t.app, path, checkFields(who));
      expect((list.body.data as { total: number }).total, path).toBe(0);
    }
  });

  it('refuses it in an application message', async () => {
    const owner = await loginBySms(t, undefined, 2);
    const applicant = await loginBySms(t, undefined, 1);
    const demandId = await postDemand(t, owner);
    await approveDemand(t, demandId);
    const answer = await legacyPost(t.app, '/user/goods_order/add', {
      ...checkFields(applicant),
      goods_id: demandId,
      msg: '我有经验\ud800',
    });
    expect(answer.body).toEqual({ res: 0, err: expect.stringMatching(/格式错误$/), data: '' });
    const mine = await legacyPost(t.app, '/user/goods_order/index', checkFields(applicant));
    expect((mine.body.data as { total: number }).total).toBe(0);
  });

  it('stores whole emoji exactly, up to the cap', async () => {
    const person = await loginBySms(t, undefined, 1);
    const name = '😀'.repeat(50);
    const added = await legacyPost(t.app, '/user/user_person_ji/add', {
      ...checkFields(person),
      name,
      fen: 3,
    });
    expect(added.body.res).toBe(1);
    const list = await legacyPost(t.app, '/user/user_person_ji/index', checkFields(person));
    expect((list.body.data as { data: { name: string }[] }).data.map((e) => e.name)).toEqual([name]);
  });
});
