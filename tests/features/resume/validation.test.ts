import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import type { Encoding } from '../../support/legacy-client.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { listCases, post, storedRows } from './resume-fixtures.js';

const bodies: readonly Encoding[] = ['json', 'form'];

describe.each(backends)('resume lists refuse bad input and other users ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  describe.each(listCases)('/user/$list', (c) => {
    const base = `/user/${c.list}`;

    it.each(bodies)(
      'refuses each bad field on add and on edit (%s body), changing nothing',
      async (encoding) => {
        const me = await loginBySms(t);
        const added = await post(t, me, `${base}/add`, c.valid, encoding);
        const id = (added.body.data as { id: number }).id;
        const before = await storedRows(t, c.table, me.userId);
        expect(before).toHaveLength(1);

        for (const [field, err] of c.required) {
          const { [field]: _dropped, ...rest } = c.valid;
          // An edit leaving the field out keeps it (tested apart); sending it empty is refused.
          const answers = [
            await post(t, me, `${base}/add`, rest, encoding),
            await post(t, me, `${base}/add`, { ...c.valid, [field]: '' }, encoding),
            await post(t, me, `${base}/edit`, { ...c.valid, [field]: '', id }, encoding),
          ];
          for (const answer of answers)
            expect(answer.body, `missing ${field}`).toEqual({ res: 0, err, data: '' });
        }
        for (const [what, override, err] of c.bad) {
          const add = await post(t, me, `${base}/add`, { ...c.valid, ...override }, encoding);
          expect(add.body, `add: ${what}`).toEqual({ res: 0, err, data: '' });
          const edit = await post(t, me, `${base}/edit`, { ...c.valid, ...override, id }, encoding);
          expect(edit.body, `edit: ${what}`).toEqual({ res: 0, err, data: '' });
        }
        expect(await storedRows(t, c.table, me.userId)).toEqual(before);
      },
    );

    it('refuses a missing or malformed id', async () => {
      const me = await loginBySms(t);
      expect((await post(t, me, `${base}/edit`, c.valid)).body).toEqual({
        res: 0,
        err: 'ID不能为空',
        data: '',
      });
      expect((await post(t, me, `${base}/del`, {})).body).toEqual({ res: 0, err: 'ID不能为空', data: '' });
      const malformed: Array<[unknown, string]> = [
        ['abc', 'ID格式错误'],
        ['1 OR 1=1', 'ID格式错误'],
        [1.5, 'ID格式错误'],
        [[1, 2], 'ID格式错误'],
        [-3, 'ID必须大于0'],
        [0, 'ID必须大于0'],
        ['99999999999', 'ID不能大于2147483647'],
      ];
      for (const [id, err] of malformed) {
        expect((await post(t, me, `${base}/del`, { id })).body, String(id)).toEqual({
          res: 0,
          err,
          data: '',
        });
      }
      expect((await post(t, me, `${base}/edit`, { ...c.valid, id: 2_000_000_000 })).body).toEqual({
        res: 0,
        err: '记录不存在',
        data: '',
      });
    });

    it("answers another user's entry like a missing one and leaves it unchanged", async () => {
      const owner = await loginBySms(t);
      const intruder = await loginBySms(t);
      const added = await post(t, owner, `${base}/add`, c.valid);
      const id = (added.body.data as { id: number }).id;
      const before = await storedRows(t, c.table, owner.userId);

      const edit = await post(t, intruder, `${base}/edit`, { ...c.edited, id });
      expect(edit.body).toEqual({ res: 0, err: '记录不存在', data: '' });
      const del = await post(t, intruder, `${base}/del`, { id: String(id) }, 'form');
      expect(del.body).toEqual({ res: 0, err: '记录不存在', data: '' });

      expect(await storedRows(t, c.table, owner.userId)).toEqual(before);
      expect(await storedRows(t, c.table, intruder.userId)).toEqual([]);
      const ownerIndex = await post(t, owner, `${base}/index`, {});
      expect((ownerIndex.body.data as { data: unknown[] }).data).toEqual([
        { id, uid: owner.userId, ...c.validRow },
      ]);
      const intruderIndex = await post(t, intruder, `${base}/index`, {});
      expect(intruderIndex.body.data).toMatchObject({ total: 0, data: [] });
    });

    it('keeps at most 100 entries: the 101st add is refused', async () => {
      const me = await loginBySms(t);
      const filled = await post(t, me, `${base}/all`, { skill: Array.from({ length: 100 }, () => c.valid) });
      expect(filled.body.res).toBe(1);
      expect(filled.body.data).toHaveLength(100);

      const refused = await post(t, me, `${base}/add`, c.valid);
      expect(refused.body).toEqual({ res: 0, err: '最多只能添加100条记录', data: '' });
      expect(await storedRows(t, c.table, me.userId)).toHaveLength(100);

      const tooMany = await post(t, me, `${base}/all`, { skill: Array.from({ length: 101 }, () => c.valid) });
      expect(tooMany.body).toEqual({ res: 0, err: `${c.label}不能超过100条`, data: '' });
      expect(await storedRows(t, c.table, me.userId)).toHaveLength(100);

      // Deleting one makes room for exactly one more.
      const first = (filled.body.data as Array<{ id: number }>)[0]?.id;
      expect((await post(t, me, `${base}/del`, { id: first })).body.res).toBe(1);
      expect((await post(t, me, `${base}/add`, c.valid)).body.res).toBe(1);
      expect((await post(t, me, `${base}/add`, c.valid)).body.err).toBe('最多只能添加100条记录');
    });
  });

  it('holds the cap when adds race: 10 parallel adds at 95 entries leave exactly 100', async () => {
    const c = listCases[1];
    if (!c) throw new Error('no skills case');
    const me = await loginBySms(t);
    await post(t, me, `/user/${c.list}/all`, { skill: Array.from({ length: 95 }, () => c.valid) });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post(t, me, `/user/${c.list}/add`, c.valid)),
    );
    expect(answers.filter((a) => a.body.res === 1)).toHaveLength(5);
    expect(answers.filter((a) => a.body.err === '最多只能添加100条记录')).toHaveLength(5);
    expect(await storedRows(t, c.table, me.userId)).toHaveLength(100);
  });

  it('keeps the lists of different users apart: the cap counts only the own entries', async () => {
    const c = listCases[1];
    if (!c) throw new Error('no skills case');
    const full = await loginBySms(t);
    const other = await loginBySms(t);
    await post(t, full, `/user/${c.list}/all`, { skill: Array.from({ length: 100 }, () => c.valid) });
    expect((await post(t, other, `/user/${c.list}/add`, c.valid)).body.res).toBe(1);
  });
});
