import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appErrorCode, type Client, createClient } from '../../../client-sdk/index.js';
import { hasRowLocks, type Tx } from '../../../server/src/db/database.js';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { listCases, post, storedRows } from './resume-fixtures.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The app code a call that must fail failed with. */
async function codeOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return appErrorCode(error);
  }
  throw new Error('the call succeeded');
}

const jobs = listCases.find((c) => c.list === 'user_person_job');
if (!jobs) throw new Error('no user_person_job case');

/** The resume lists written at once, by their owner and by others, through both doors. */
describe.each(backends)('resume writes in unusual orders ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  const as = (token: string): Client => createClient({ url, token });

  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it.each(listCases)('lets nobody edit or delete the rows of $list but their owner', async (c) => {
    const owner = await loginBySms(t);
    const intruder = await loginBySms(t);
    const base = `/user/${c.list}`;
    const added = await post(t, owner, `${base}/add`, c.valid);
    const { id } = added.body.data as { id: number };
    const before = await storedRows(t, c.table, owner.userId);

    const edited = await post(t, intruder, `${base}/edit`, { id, ...c.edited });
    expect(edited.body).toEqual({ res: 0, err: '记录不存在', data: '' });
    const deleted = await post(t, intruder, `${base}/del`, { id });
    expect(deleted.body).toEqual({ res: 0, err: '记录不存在', data: '' });
    // `/all` replaces the intruder's own list only.
    expect((await post(t, intruder, `${base}/all`, { skill: [] })).body.res).toBe(1);

    expect(await storedRows(t, c.table, owner.userId)).toEqual(before);
    expect(await storedRows(t, c.table, intruder.userId)).toEqual([]);
  });

  it('refuses an edit of an entry deleted while the edit ran, and leaves it deleted', async () => {
    const me = await loginBySms(t);
    const api = as(me.token);
    const entry = await api.resume.jobs.add.mutate({
      begin: new Date('2020-01-01T00:00:00Z'),
      end: new Date('2021-01-01T00:00:00Z'),
      company: '甲公司',
      title: '工程师',
    });
    const edit = () => api.resume.jobs.update.mutate({ ...entry, title: '组长' });

    let editing: Promise<string | undefined> | undefined;
    await t.stores.database.db.transaction().execute(async (tx: Tx) => {
      if (!hasRowLocks(tx)) return;
      // A delete that takes no lock of the user (as the resume's own did, as an operator's in the
      // database does) committed between the edit's read and its write.
      await sql`delete from resume_jobs where id = ${entry.id}`.execute(tx);
      editing = codeOf(edit());
      await pause(300);
    });
    if (!editing) {
      await api.resume.jobs.remove.mutate({ id: entry.id });
      editing = codeOf(edit());
    }
    // Before: the edit answered the entry as if saved, though nothing was.
    expect(await editing).toBe('NOT_FOUND');
    expect(await storedRows(t, 'resume_jobs', me.userId)).toEqual([]);
  });

  it('answers /all with the list as stored when a delete of the old list ran meanwhile', async () => {
    const me = await loginBySms(t);
    const base = `/user/${jobs.list}`;
    const old = await post(t, me, `${base}/add`, jobs.valid);
    const oldId = (old.body.data as { id: number }).id;

    let answers: Promise<Awaited<ReturnType<typeof post>>[]> | undefined;
    await t.stores.database.db.transaction().execute(async (tx: Tx) => {
      if (!hasRowLocks(tx)) return;
      // The delete waits for the entry's row; /all starts meanwhile.
      await sql`select id from resume_jobs where id = ${oldId} for update`.execute(tx);
      const deleting = post(t, me, `${base}/del`, { id: oldId });
      await pause(250);
      const replacing = post(t, me, `${base}/all`, { skill: [jobs.edited] });
      await pause(250);
      answers = Promise.all([deleting, replacing]);
    });
    const [deleted, replaced] = await (answers ??
      Promise.all([
        post(t, me, `${base}/del`, { id: oldId }),
        post(t, me, `${base}/all`, { skill: [jobs.edited] }),
      ]));
    expect(deleted?.body.res).toBe(1);
    // Before: /all read the list before the delete committed and answered the deleted entry too.
    const stored = await storedRows(t, jobs.table, me.userId);
    expect(replaced?.body).toEqual({
      res: 1,
      err: '',
      data: stored.map((row) => ({ id: Number(row.id), uid: me.userId, ...jobs.editedRow })),
    });
    expect(stored).toHaveLength(1);
  });

  it('leaves a whole list, never half of one, when /all races add, edit and del', async () => {
    const me = await loginBySms(t);
    const base = `/user/${jobs.list}`;
    for (let round = 0; round < 3; round++) {
      const old = await post(t, me, `${base}/add`, jobs.valid);
      const oldId = (old.body.data as { id: number }).id;
      const replacement = [jobs.edited, jobs.valid, jobs.edited];
      const [all, added, edited, deleted] = await Promise.all([
        post(t, me, `${base}/all`, { skill: replacement }),
        post(t, me, `${base}/add`, jobs.valid),
        post(t, me, `${base}/edit`, { id: oldId, ...jobs.edited }),
        post(t, me, `${base}/del`, { id: oldId }),
      ]);
      expect(all.body.res).toBe(1);
      expect(added.body.res).toBe(1);
      // The old entry was edited or deleted before /all replaced it, or was gone already: told so.
      for (const answer of [edited, deleted]) {
        expect(answer.body.res === 1 || answer.body.err === '记录不存在', JSON.stringify(answer.body)).toBe(
          true,
        );
      }

      const rows = await storedRows(t, jobs.table, me.userId);
      const addedId = (added.body.data as { id: number }).id;
      const allIds = (all.body.data as Array<{ id: number }>).map((row) => row.id);
      expect(rows.map((row) => Number(row.id))).not.toContain(oldId);
      // The three of /all are there together, in order; the added one is there unless /all came after it.
      const left = rows.map((row) => Number(row.id)).filter((id) => id !== addedId);
      expect(left).toEqual(allIds);
      expect(rows.filter((row) => Number(row.id) !== addedId).map((row) => row.title)).toEqual([
        jobs.editedRow.job,
        jobs.validRow.job,
        jobs.editedRow.job,
      ]);
      // Start the next round from the /all list alone.
      await post(t, me, `${base}/all`, { skill: [] });
    }
  });

  it('keeps the fields an update leaves out, and empties those sent empty', async () => {
    const me = await loginBySms(t);
    const api = as(me.token);
    const added = await api.resume.education.add.mutate({
      begin: new Date('2015-09-01T00:00:00Z'),
      end: new Date('2019-07-01T00:00:00Z'),
      school: '某大学',
      major: '计算机',
      degree: '本科',
      description: '四年',
    });
    const updated = await api.resume.education.update.mutate({
      id: added.id,
      school: '某某大学',
      degree: '',
    });
    expect(updated).toEqual({ ...added, school: '某某大学', degree: '' });
    // The answer is what was stored.
    expect((await api.resume.education.list.query({ page: 1, perPage: 10 })).items).toEqual([updated]);
    // Half a period is checked against the other half as stored.
    expect(
      await codeOf(
        api.resume.education.update.mutate({ id: added.id, end: new Date('2014-07-01T00:00:00Z') }),
      ),
    ).toBe('END_BEFORE_BEGIN');
    expect(await codeOf(api.resume.education.update.mutate({ id: added.id + 1e6, school: '某某大学' }))).toBe(
      'NOT_FOUND',
    );
    expect((await api.resume.education.list.query({ page: 1, perPage: 10 })).items).toEqual([updated]);
  });
});
