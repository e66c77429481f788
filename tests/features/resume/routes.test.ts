import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { encodings, legacyGet } from '../../support/legacy-client.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { listCases, post, storedRows } from './resume-fixtures.js';

describe.each(backends)('resume lists over the legacy routes ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  describe.each(listCases)('/user/$list', (c) => {
    const base = `/user/${c.list}`;

    it.each(encodings)('adds, lists, edits and deletes with a %s body', async (encoding) => {
      const me = await loginBySms(t);

      const added = await post(t, me, `${base}/add`, c.valid, encoding);
      expect(added.status).toBe(200);
      expect(added.body.res).toBe(1);
      expect(added.body.err).toBe('');
      const row = added.body.data as Record<string, unknown>;
      expect(typeof row.id).toBe('number');
      expect(row).toEqual({ id: row.id, uid: me.userId, ...c.validRow });

      const index = await post(t, me, `${base}/index`, {}, encoding);
      expect(index.body).toEqual({
        res: 1,
        err: '',
        data: { total: 1, per_page: 15, current_page: 1, last_page: 1, data: [row] },
      });

      const edited = await post(t, me, `${base}/edit`, { id: String(row.id), ...c.edited }, encoding);
      expect(edited.body).toEqual({ res: 1, err: '', data: { id: row.id, uid: me.userId, ...c.editedRow } });
      const afterEdit = await post(t, me, `${base}/index`, { page: '1' }, encoding);
      expect((afterEdit.body.data as { data: unknown[] }).data).toEqual([
        { id: row.id, uid: me.userId, ...c.editedRow },
      ]);

      const deleted = await post(t, me, `${base}/del`, { id: row.id }, encoding);
      expect(deleted.body).toEqual({ res: 1, err: '', data: '' });
      expect(await storedRows(t, c.table, me.userId)).toEqual([]);

      const again = await post(t, me, `${base}/del`, { id: row.id }, encoding);
      expect(again.body).toEqual({ res: 0, err: '记录不存在', data: '' });
    });

    it.each(encodings)(
      'keeps the fields an edit leaves out, one field at a time (%s body)',
      async (encoding) => {
        const me = await loginBySms(t);
        const row = (await post(t, me, `${base}/add`, c.valid, encoding)).body.data as { id: number };
        // As ThinkPHP's save did: only the fields sent change (a client editing one field at a time).
        // A period is moved whole: its begin alone could fall after the stored end (refused).
        const steps = Object.keys(c.edited)
          .filter((field) => field !== 'end')
          .map((field) => (field === 'begin' ? ['begin', 'end'] : [field]));
        let expected = { id: row.id, uid: me.userId, ...c.validRow };
        for (const fields of steps) {
          const sent = Object.fromEntries(fields.map((field) => [field, c.edited[field]]));
          const edited = await post(t, me, `${base}/edit`, { id: row.id, ...sent }, encoding);
          expected = {
            ...expected,
            ...Object.fromEntries(fields.map((field) => [field, c.editedRow[field]])),
          };
          expect(edited.body, fields.join()).toEqual({ res: 1, err: '', data: expected });
        }
        expect(expected).toEqual({ id: row.id, uid: me.userId, ...c.editedRow });
        const index = await post(t, me, `${base}/index`, {}, encoding);
        expect((index.body.data as { data: unknown[] }).data).toEqual([expected]);
      },
    );

    it('answers GET with the fields in the query string, at any letter case with a .html suffix', async () => {
      const me = await loginBySms(t);
      const added = await legacyGet(t.app, `${base.toUpperCase()}/Add.html`, {
        user_id_check: String(me.userId),
        token_check: me.token,
        ...c.valid,
      });
      expect(added.body.res).toBe(1);
      expect(added.body.data).toMatchObject(c.validRow);
      expect(await storedRows(t, c.table, me.userId)).toHaveLength(1);
    });

    it('pages the list with page and limit, in the order the entries were added', async () => {
      const me = await loginBySms(t);
      const ids: number[] = [];
      for (let n = 0; n < 3; n++) {
        const added = await post(t, me, `${base}/add`, c.valid);
        ids.push((added.body.data as { id: number }).id);
      }
      const first = await post(t, me, `${base}/index`, { page: 1, limit: '2' });
      expect(first.body.data).toMatchObject({ total: 3, per_page: 2, current_page: 1, last_page: 2 });
      expect((first.body.data as { data: Array<{ id: number }> }).data.map((r) => r.id)).toEqual(
        ids.slice(0, 2),
      );
      const second = await post(t, me, `${base}/index`, { page: '2', limit: 2 }, 'form');
      expect((second.body.data as { data: Array<{ id: number }> }).data.map((r) => r.id)).toEqual(
        ids.slice(2),
      );
      const beyond = await post(t, me, `${base}/index`, { page: 9, limit: 2 });
      expect(beyond.body.data).toEqual({ total: 3, per_page: 2, current_page: 9, last_page: 2, data: [] });

      expect((await post(t, me, `${base}/index`, { limit: 101 })).body).toEqual({
        res: 0,
        err: '每页条数不能大于100',
        data: '',
      });
      // A page that is no page is the first, as ThinkPHP's paginator read it.
      for (const page of [0, -1, 'abc']) {
        expect((await post(t, me, `${base}/index`, { page, limit: 2 })).body.data).toMatchObject({
          current_page: 1,
          data: [{ id: ids[0] }, { id: ids[1] }],
        });
      }
    });

    it('refuses every route without a live login', async () => {
      const me = await loginBySms(t);
      for (const action of ['index', 'add', 'edit', 'del', 'all']) {
        const answer = await post(t, { userId: me.userId, token: 'not-a-token' }, `${base}/${action}`, {
          ...c.valid,
          id: 1,
          skill: [c.valid],
        });
        expect(answer.body).toEqual({ res: 0, err: '没有登录或状态过期', data: '' });
      }
      const otherUser = await post(t, { userId: me.userId + 1, token: me.token }, `${base}/add`, c.valid);
      expect(otherUser.body).toEqual({ res: 0, err: '没有登录或状态过期', data: '' });
      expect(await storedRows(t, c.table, me.userId)).toEqual([]);
    });
  });
});
