import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appErrorCode, type Client, createClient } from '../../../client-sdk/index.js';
import { resumeLists } from '../../../server/src/features/resume/resume.lists.js';
import { ResumeListService } from '../../../server/src/features/resume/resume.service.js';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { post, storedRows } from './resume-fixtures.js';

/** The failure of a call that must fail: its app code, English message and issues. */
async function failureOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: { issues?: Array<{ path: string[] }> | null } }).data;
    return { code: appErrorCode(error), message: (error as Error).message, issues: data?.issues ?? null };
  }
  throw new Error('the call succeeded');
}

describe.each(backends)('resume over the typed API ($name)', (backend) => {
  let t: TestApp;
  let url: string;
  const as = (token?: string): Client => createClient({ url, token });

  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('shows anyone the resume of a user, with Dates, without contact data', async () => {
    const person = await loginBySms(t);
    await post(t, person, '/user/user_person_des/add', {
      name: '商城',
      type: '小程序',
      link: 'http://shop.example.com',
      key: '支付',
      des: '简介',
      z: '开发',
    });
    await post(t, person, '/user/user_person_ji/all', {
      skill: [
        { name: 'Go', fen: '3' },
        { name: 'SQL', fen: 5 },
      ],
    });
    await post(t, person, '/user/user_person_job/add', {
      begin: '2019-03-01',
      end: '2021-12-31 18:00:00',
      company: '甲公司',
      job: '后端',
      des: '做接口',
    });
    await post(t, person, '/user/user_person_edu/add', {
      begin: '2015-09-01',
      end: '2019-07-01',
      school: '乙大学',
      job: '软件工程',
      li: '本科',
    });

    const resume = await as().resume.ofUser.query({ userId: person.userId });
    const anyId = expect.any(Number) as unknown as number;
    expect(resume).toEqual({
      userId: person.userId,
      projects: [
        {
          id: anyId,
          userId: person.userId,
          name: '商城',
          type: '小程序',
          link: 'http://shop.example.com',
          keyFeatures: '支付',
          description: '简介',
          responsibilities: '开发',
        },
      ],
      skills: [
        { id: anyId, userId: person.userId, name: 'Go', score: 3 },
        { id: anyId, userId: person.userId, name: 'SQL', score: 5 },
      ],
      jobs: [
        {
          id: anyId,
          userId: person.userId,
          begin: new Date('2019-02-28T16:00:00Z'),
          end: new Date('2021-12-31T10:00:00Z'),
          company: '甲公司',
          title: '后端',
          description: '做接口',
        },
      ],
      education: [
        {
          id: anyId,
          userId: person.userId,
          begin: new Date('2015-08-31T16:00:00Z'),
          end: new Date('2019-06-30T16:00:00Z'),
          school: '乙大学',
          major: '软件工程',
          degree: '本科',
          description: '',
        },
      ],
    });
    expect(resume.jobs[0]?.begin).toBeInstanceOf(Date);
    expect(JSON.stringify(resume)).not.toContain(person.phone);
    expect(Object.keys(resume).sort()).toEqual(['education', 'jobs', 'projects', 'skills', 'userId']);

    expect(await failureOf(as().resume.ofUser.query({ userId: 2_000_000_000 }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await failureOf(as().resume.ofUser.query({ userId: -1 }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('answers over plain HTTP in superjson form as well', async () => {
    const person = await loginBySms(t);
    await post(t, person, '/user/user_person_job/add', {
      begin: 1577808000,
      end: 1609430400,
      company: '丙公司',
      job: '测试',
    });
    const input = encodeURIComponent(JSON.stringify({ json: { userId: person.userId } }));
    const response = await t.app.inject({ method: 'GET', url: `/trpc/resume.ofUser?input=${input}` });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      result: {
        data: { json: { jobs: Array<{ begin: string }> }; meta: { values: Record<string, unknown> } };
      };
    };
    // 1577808000 is 2020-01-01 00:00:00 in Asia/Shanghai.
    expect(body.result.data.json.jobs[0]?.begin).toBe('2019-12-31T16:00:00.000Z');
    expect(body.result.data.meta.values).toEqual({ 'jobs.0.begin': ['Date'], 'jobs.0.end': ['Date'] });
  });

  it('adds, lists, updates, removes and replaces entries of the logged-in user only', async () => {
    const me = await loginBySms(t);
    const other = await loginBySms(t);
    const api = as(me.token);

    const added = await api.resume.jobs.add.mutate({
      begin: new Date('2020-01-01T00:00:00Z'),
      end: new Date('2020-06-01T00:00:00Z'),
      company: ' Acme ',
      title: 'Engineer',
    });
    expect(added).toEqual({
      id: added.id,
      userId: me.userId,
      begin: new Date('2020-01-01T00:00:00Z'),
      end: new Date('2020-06-01T00:00:00Z'),
      company: 'Acme',
      title: 'Engineer',
      description: '',
    });

    const page = await api.resume.jobs.list.query({ perPage: 5 });
    expect(page).toEqual({ items: [added], total: 1, page: 1, perPage: 5, lastPage: 1 });

    const updated = await api.resume.jobs.update.mutate({ ...added, title: 'Lead', description: 'a\r\nb' });
    expect(updated).toMatchObject({ id: added.id, title: 'Lead', description: 'a\nb' });

    const intruder = as(other.token);
    expect(await failureOf(intruder.resume.jobs.update.mutate({ ...added, title: 'Hacked' }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Not found',
    });
    expect(await failureOf(intruder.resume.jobs.remove.mutate({ id: added.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await api.resume.jobs.list.query({})).items[0]?.title).toBe('Lead');

    const endFirst = await failureOf(
      api.resume.jobs.update.mutate({ ...added, end: new Date('2019-01-01T00:00:00Z') }),
    );
    // The period's own code, as a half period checked against the stored one answers (and
    // demands.create): the issue says which field.
    expect(endFirst).toMatchObject({ code: 'END_BEFORE_BEGIN', issues: [{ path: ['end'] }] });
    expect(endFirst.message).toBe('Invalid input: end: The end is before the begin');
    // Days out of the calendar's range, or no day at all, are named as days, not epoch milliseconds.
    const outOfRange = async (begin: Date) =>
      (await failureOf(api.resume.jobs.update.mutate({ ...added, begin }))).message;
    expect(await outOfRange(new Date('1800-01-01T00:00:00Z'))).toBe(
      'Invalid input: begin: must be on or after 1900-01-01',
    );
    expect(await outOfRange(new Date('2200-01-01T00:00:00Z'))).toBe(
      'Invalid input: begin: must be on or before 2099-12-31',
    );
    expect(await outOfRange(new Date('nope'))).toBe('Invalid input: begin: must be a valid date');
    // Half a period, checked by the service against the stored begin: answered alike.
    const halfBackwards = await failureOf(
      api.resume.jobs.update.mutate({ id: added.id, end: new Date('2019-01-01T00:00:00Z') }),
    );
    expect(halfBackwards).toMatchObject({ code: 'END_BEFORE_BEGIN', issues: [{ path: ['end'] }] });
    expect(halfBackwards.message).toBe('Invalid input: end: The end is before the begin');
    const addedBackwards = await failureOf(
      api.resume.jobs.add.mutate({ ...added, begin: added.end, end: added.begin }),
    );
    expect(addedBackwards).toMatchObject({ code: 'END_BEFORE_BEGIN', issues: [{ path: ['end'] }] });

    const badItem = await failureOf(
      api.resume.skills.replaceAll.mutate({
        items: [
          { name: 'ok', score: 1 },
          { name: 'bad', score: 6 },
        ],
      }),
    );
    expect(badItem).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: ['items', '1', 'score'] }] });

    const replaced = await api.resume.skills.replaceAll.mutate({
      items: [
        { name: 'a', score: 1 },
        { name: 'b', score: 5 },
      ],
    });
    expect(replaced.map((s) => [s.name, s.score, s.userId])).toEqual([
      ['a', 1, me.userId],
      ['b', 5, me.userId],
    ]);
    expect(await failureOf(api.resume.skills.add.mutate({ name: 'c', score: 2.5 }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(
      await failureOf(api.resume.projects.add.mutate({ name: 'x', link: 'mailto:a@example.com' })),
    ).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: ['link'] }] });

    await api.resume.jobs.remove.mutate({ id: added.id });
    expect(await api.resume.jobs.list.query({})).toMatchObject({ items: [], total: 0 });
    expect(await failureOf(as().resume.jobs.list.query({}))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await failureOf(as('forged').resume.skills.add.mutate({ name: 'x', score: 1 }))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('refuses the 101st entry with RESUME_LIST_FULL', async () => {
    const me = await loginBySms(t);
    const api = as(me.token);
    await api.resume.projects.replaceAll.mutate({
      items: Array.from({ length: 100 }, (_, n) => ({ name: `p${n}` })),
    });
    expect(await failureOf(api.resume.projects.add.mutate({ name: 'one more' }))).toMatchObject({
      code: 'RESUME_LIST_FULL',
      message: 'A resume list holds at most 100 entries',
    });
    expect(await api.resume.projects.list.query({ page: 7, perPage: 15 })).toMatchObject({
      total: 100,
      lastPage: 7,
      items: [{ name: 'p90' }, {}, {}, {}, {}, {}, {}, {}, {}, { name: 'p99' }],
    });
  });

  it('rolls the whole replacement back when the database refuses a row mid-way', async () => {
    const me = await loginBySms(t);
    const api = as(me.token);
    await api.resume.skills.replaceAll.mutate({ items: [{ name: 'keep', score: 4 }] });
    const before = await storedRows(t, 'resume_skills', me.userId);

    // A storage whose name column turns 'boom' into NULL, which the NOT NULL column refuses after
    // the old entries were already deleted inside the transaction.
    const { columns } = resumeLists.skills;
    const failing = new ResumeListService(t.stores.database.db, t.clock, {
      table: 'resume_skills',
      columns: {
        ...columns,
        name: { ...columns.name, toStored: (v: string) => (v === 'boom' ? (null as unknown as string) : v) },
      },
    });
    await expect(
      failing.replaceAll(me.userId, [
        { name: 'fine', score: 1 },
        { name: 'boom', score: 2 },
      ]),
    ).rejects.toThrow();
    expect(await storedRows(t, 'resume_skills', me.userId)).toEqual(before);
  });
});
