import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { listCases, post, storedRows } from './resume-fixtures.js';

describe.each(backends)('/user/<resume list>/all ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  describe.each(listCases)('/user/$list/all', (c) => {
    const base = `/user/${c.list}`;

    it.each(['json', 'form', 'multipart'] as const)(
      'replaces the whole list, in the given order (%s body)',
      async (encoding) => {
        const me = await loginBySms(t);
        const old = await post(t, me, `${base}/add`, c.valid, encoding);
        const oldId = (old.body.data as { id: number }).id;

        const replaced = await post(t, me, `${base}/all`, { skill: [c.edited, c.valid] }, encoding);
        expect(replaced.body.res).toBe(1);
        const rows = replaced.body.data as Array<{ id: number }>;
        expect(rows).toEqual([
          { id: rows[0]?.id, uid: me.userId, ...c.editedRow },
          { id: rows[1]?.id, uid: me.userId, ...c.validRow },
        ]);
        expect(rows.map((r) => r.id)).not.toContain(oldId);

        const index = await post(t, me, `${base}/index`, {});
        expect(index.body.data).toMatchObject({ total: 2, data: rows });
        expect(await storedRows(t, c.table, me.userId)).toHaveLength(2);
      },
    );

    it('changes nothing when one item is invalid, and says which item and field', async () => {
      const me = await loginBySms(t);
      await post(t, me, `${base}/all`, { skill: [c.valid, c.edited] });
      const before = await storedRows(t, c.table, me.userId);

      const [field, missingErr] = c.required[0] ?? ['', ''];
      const { [field]: _dropped, ...withoutField } = c.valid;
      const missing = await post(t, me, `${base}/all`, { skill: [c.edited, withoutField, c.valid] });
      expect(missing.body).toEqual({ res: 0, err: `第2条：${missingErr}`, data: '' });

      for (const [what, override, err] of c.bad) {
        const answer = await post(t, me, `${base}/all`, {
          skill: [c.valid, c.valid, { ...c.valid, ...override }],
        });
        expect(answer.body, what).toEqual({ res: 0, err: `第3条：${err}`, data: '' });
      }
      const notAnItem = await post(t, me, `${base}/all`, { skill: ['text'] });
      expect(notAnItem.body).toEqual({ res: 0, err: `第1条：${c.label}格式错误`, data: '' });

      expect(await storedRows(t, c.table, me.userId)).toEqual(before);
    });

    it('clears the list with an empty array, and needs the skill field', async () => {
      const me = await loginBySms(t);
      await post(t, me, `${base}/add`, c.valid);
      expect((await post(t, me, `${base}/all`, {})).body).toEqual({
        res: 0,
        err: `${c.label}不能为空`,
        data: '',
      });
      expect((await post(t, me, `${base}/all`, { skill: {} })).body).toEqual({
        res: 0,
        err: `${c.label}格式错误`,
        data: '',
      });
      expect((await post(t, me, `${base}/all`, { skill: 'nonsense' })).body).toEqual({
        res: 0,
        err: `${c.label}格式错误`,
        data: '',
      });
      expect(await storedRows(t, c.table, me.userId)).toHaveLength(1);

      expect((await post(t, me, `${base}/all`, { skill: [] })).body).toEqual({ res: 1, err: '', data: [] });
      expect(await storedRows(t, c.table, me.userId)).toEqual([]);
    });

    it("touches only the caller's own list", async () => {
      const me = await loginBySms(t);
      const other = await loginBySms(t);
      await post(t, other, `${base}/add`, c.valid);
      const othersBefore = await storedRows(t, c.table, other.userId);
      await post(t, me, `${base}/all`, { skill: [c.valid] });
      await post(t, me, `${base}/all`, { skill: [] });
      expect(await storedRows(t, c.table, other.userId)).toEqual(othersBefore);
    });
  });

  it('accepts what the deployed client sends: dates as YYYY-MM-DD, scores as strings, echoed rows', async () => {
    const me = await loginBySms(t);
    const skills = await post(t, me, '/user/user_person_ji/all', {
      skill: ['1', '2', '3', '4', '5'].map((fen, n) => ({ name: `技能${n + 1}`, fen })),
    });
    expect(skills.body.res).toBe(1);
    expect((skills.body.data as Array<{ name: string; fen: number }>).map((r) => [r.name, r.fen])).toEqual([
      ['技能1', 1],
      ['技能2', 2],
      ['技能3', 3],
      ['技能4', 4],
      ['技能5', 5],
    ]);

    // The client posts back the rows it read (with id and uid) plus new ones; only fields count.
    const listed = (await post(t, me, '/user/user_person_ji/index', {})).body.data as {
      data: Array<Record<string, unknown>>;
    };
    const echoed = [
      ...listed.data.slice(0, 2),
      { id: 999_999, uid: 1, name: '新技能', fen: '3', extra: 'ignored' },
    ];
    const again = await post(t, me, '/user/user_person_ji/all', { skill: echoed });
    expect((again.body.data as Array<Record<string, unknown>>).map(({ id: _id, ...rest }) => rest)).toEqual([
      { uid: me.userId, name: '技能1', fen: 1 },
      { uid: me.userId, name: '技能2', fen: 2 },
      { uid: me.userId, name: '新技能', fen: 3 },
    ]);

    const jobs = await post(t, me, '/user/user_person_job/all', {
      skill: [
        { begin: '2018-07-01', end: '2020-03-31', company: '甲公司', job: '实习生', des: '' },
        { begin: '2020-04-01', end: '2020-04-01', company: '乙公司', job: '工程师' },
      ],
    });
    expect(jobs.body.data).toEqual([
      {
        id: expect.any(Number),
        uid: me.userId,
        begin: '2018-07-01 00:00:00',
        end: '2020-03-31 00:00:00',
        company: '甲公司',
        job: '实习生',
        des: '',
      },
      {
        id: expect.any(Number),
        uid: me.userId,
        begin: '2020-04-01 00:00:00',
        end: '2020-04-01 00:00:00',
        company: '乙公司',
        job: '工程师',
        des: '',
      },
    ]);
    const [stored] = await storedRows(t, 'resume_jobs', me.userId);
    // 2018-07-01 00:00:00 in Asia/Shanghai is 2018-06-30T16:00:00Z.
    expect(Number(stored?.begin_at)).toBe(Date.parse('2018-06-30T16:00:00Z'));
  });

  it('reads bracket form fields skill[0][name]=... and a JSON string', async () => {
    const me = await loginBySms(t);
    const raw = [
      `user_id_check=${me.userId}`,
      `token_check=${encodeURIComponent(me.token)}`,
      `skill[0][name]=${encodeURIComponent('沟通')}`,
      'skill[0][fen]=5',
      'skill[1][name]=Go',
      'skill[1][fen]=2',
    ].join('&');
    const form = await t.app.inject({
      method: 'POST',
      url: '/user/user_person_ji/all',
      payload: raw,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.json().data.map((r: { name: string; fen: number }) => [r.name, r.fen])).toEqual([
      ['沟通', 5],
      ['Go', 2],
    ]);

    const asString = await legacyPost(t.app, '/user/user_person_ji/all', {
      ...checkFields(me),
      skill: JSON.stringify([{ name: 'Rust', fen: 1 }]),
    });
    expect((asString.body.data as Array<{ name: string }>).map((r) => r.name)).toEqual(['Rust']);

    // Past qs's array limit the indexes come as object keys; they are still read in order.
    const many = Array.from({ length: 101 }, (_, n) => `skill[${n}][name]=s${n}&skill[${n}][fen]=1`).join(
      '&',
    );
    const tooMany = await t.app.inject({
      method: 'POST',
      url: '/user/user_person_ji/all',
      payload: `user_id_check=${me.userId}&token_check=${encodeURIComponent(me.token)}&${many}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(tooMany.json()).toEqual({ res: 0, err: '工作技能不能超过100条', data: '' });
    expect((await storedRows(t, 'resume_skills', me.userId)).map((r) => r.name)).toEqual(['Rust']);
  });
});
