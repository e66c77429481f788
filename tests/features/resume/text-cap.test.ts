import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appErrorCode, createClient } from '../../../client-sdk/index.js';
import { insertEntries } from '../../../server/src/features/resume/resume.repository.js';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { post } from './resume-fixtures.js';

/** Chinese text, three bytes a character in the answer, as a real resume's would be. */
const long = (n: number) => '长'.repeat(n);

/** Every field of each list at its own longest: 15,000 characters a project, 5,200 a job. */
const fullEntries = {
  user_person_des: { name: long(100), type: long(100), key: long(5000), des: long(5000), z: long(5000) },
  user_person_ji: { name: long(100), fen: 3 },
  user_person_job: {
    begin: '2019-01-01',
    end: '2020-01-01',
    company: long(100),
    job: long(100),
    des: long(5000),
  },
  user_person_edu: {
    begin: '2015-09-01',
    end: '2019-07-01',
    school: long(100),
    job: long(100),
    li: long(100),
    des: long(5000),
  },
};

describe.each(backends)('what one resume may hold ($name)', (backend) => {
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('keeps a resume filled to the brim a small answer for anyone who reads it', async () => {
    const person = await loginBySms(t);
    for (const [list, entry] of Object.entries(fullEntries)) {
      // Up to the 100 entries a list may hold, until the text cap refuses one.
      for (let n = 0; n < 100; n++) {
        const added = await post(t, person, `/user/${list}/add`, entry);
        if (added.body.res === 1) continue;
        expect(added.body).toEqual({ res: 0, err: '内容过多，每类简历最多50000字', data: '' });
        break;
      }
    }

    const input = encodeURIComponent(JSON.stringify({ json: { userId: person.userId } }));
    const read = await t.app.inject({ method: 'GET', url: `/trpc/resume.ofUser?input=${input}` });
    expect(read.statusCode).toBe(200);
    // Three lists of 50,000 characters at most (skills stay short by their fields): about 0.5 MB.
    // Without the cap this resume was 7.8 MB.
    expect(read.rawPayload.length).toBeLessThan(600_000);
    const resume = (read.json() as { result: { data: { json: Record<string, unknown[]> } } }).result.data
      .json;
    expect(resume.projects).toHaveLength(3);
    expect(resume.skills).toHaveLength(100);
  });

  it('refuses an edit or a replacement that grows a list past the cap, typed door too', async () => {
    const person = await loginBySms(t);
    const api = createClient({ url, token: person.token });
    const project = {
      name: 'p',
      keyFeatures: long(5000),
      description: long(5000),
      responsibilities: long(5000),
    };
    const refusal = (call: Promise<unknown>) =>
      call.then(
        () => 'accepted',
        (error: unknown) => [appErrorCode(error), (error as Error).message],
      );

    expect(
      await refusal(api.resume.projects.replaceAll.mutate({ items: [project, project, project, project] })),
    ).toEqual(['RESUME_TOO_LARGE', 'A resume list holds at most 50,000 characters of text']);
    const [first] = await api.resume.projects.replaceAll.mutate({ items: [project, project, project] });
    const grown = { ...project, name: long(100), type: long(100), link: `https://e.com/${'a'.repeat(200)}` };
    // 45,003 characters in all: a fourth entry of 5,001 passes the cap, one of 4,997 fills it to the brim.
    expect(await refusal(api.resume.projects.add.mutate({ name: 'q', description: long(5000) }))).toEqual([
      'RESUME_TOO_LARGE',
      'A resume list holds at most 50,000 characters of text',
    ]);
    expect(await api.resume.projects.add.mutate({ name: 'q', description: long(4996) })).toMatchObject({
      name: 'q',
    });
    expect(await refusal(api.resume.projects.update.mutate({ ...grown, id: first?.id ?? 0 }))).toEqual([
      'RESUME_TOO_LARGE',
      'A resume list holds at most 50,000 characters of text',
    ]);
    expect(await refusal(api.resume.projects.update.mutate({ id: 2_000_000_000, name: 'x' }))).toEqual([
      'NOT_FOUND',
      'Not found',
    ]);
    // Shorter, or as long as before, it passes.
    expect(
      await api.resume.projects.update.mutate({ ...project, id: first?.id ?? 0, name: 'r' }),
    ).toMatchObject({
      name: 'r',
    });
  });

  it('lets a list imported above the cap be sent back unchanged and trimmed, not grown', async () => {
    const person = await loginBySms(t);
    const imported = Array.from({ length: 5 }, () => ({
      name: '旧项目',
      type: '',
      link: '',
      key_features: long(5000),
      description: long(5000),
      responsibilities: long(5000),
    }));
    // As the legacy import writes them: past the cap, which the old backend did not have.
    await insertEntries(t.stores.database.db, 'resume_projects', person.userId, imported, t.clock.now());
    const asSent = { name: '旧项目', key: long(5000), des: long(5000), z: long(5000) };

    expect((await post(t, person, '/user/user_person_des/add', { name: 'x' })).body.err).toBe(
      '内容过多，每类简历最多50000字',
    );
    expect(
      (await post(t, person, '/user/user_person_des/all', { skill: Array(5).fill(asSent) })).body.res,
    ).toBe(1);
    expect(
      (await post(t, person, '/user/user_person_des/all', { skill: Array(4).fill(asSent) })).body.res,
    ).toBe(1);
    expect(
      (await post(t, person, '/user/user_person_des/all', { skill: Array(5).fill(asSent) })).body.err,
    ).toBe('内容过多，每类简历最多50000字');
  });
});
