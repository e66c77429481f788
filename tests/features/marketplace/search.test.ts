import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../client-sdk/index.js';
import { titleGrams } from '../../../server/src/features/demands/title-search.js';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import {
  approveDemand,
  demandFields,
  postDemand,
  rareCjk,
  type Session,
} from '../../support/marketplace-flow.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

interface Paginator {
  total: number;
  per_page: number;
  current_page: number;
  last_page: number;
  data: Array<{ id: number; title: string; titletype: string }>;
}

describe.each(backends)('title search on the public list ($name)', (backend) => {
  let t: TestApp;
  let owner: Session;
  let m: string;
  const ids: Record<string, number> = {};

  const search = async (title: string, extra: Record<string, unknown> = {}) => {
    const answer = await legacyPost(t.app, '/index/goods/index', { title, limit: 100, ...extra });
    expect(answer.body.res, answer.body.err).toBe(1);
    return answer.body.data as Paginator;
  };
  const idsOf = (page: Paginator) => page.data.map((d) => d.id);

  beforeAll(async () => {
    t = await startTestApp(backend);
    owner = await loginBySms(t, undefined, 2);
    m = rareCjk(3);
    const titles = {
      app: `${m}微信小程序开发`,
      design: `${m}小程序界面设计`,
      site: `${m}企业网站开发`,
      label: `${m}数据标注`,
      react: `${m} React Native App`,
      dashboard: `${m} react dashboard`,
      percent: `${m}100%_折扣海报`,
      plain: `${m}100折扣海报`,
      underscore: `${m}1000_x海报`,
    };
    for (const [name, title] of Object.entries(titles)) {
      ids[name] = await postDemand(t, owner, { title, titletype: name === 'site' ? '2' : '1' });
      await approveDemand(t, ids[name] as number);
    }
    ids.pending = await postDemand(t, owner, { title: `${m}未审核的小程序` });
  });
  afterAll(() => t.close());

  it('finds every title with a frequent term, newest first, and pages through them', async () => {
    const all = await search(m);
    expect(all.total).toBe(9);
    expect(idsOf(all)).toEqual(
      Object.entries(ids)
        .filter(([name]) => name !== 'pending')
        .map(([, id]) => id)
        .reverse(),
    );
    const second = await search(m, { limit: 4, page: 2 });
    expect(second).toMatchObject({ total: 9, per_page: 4, current_page: 2, last_page: 3 });
    expect(idsOf(second)).toEqual(idsOf(all).slice(4, 8));
  });

  it('finds Chinese terms of one, two and more characters, and only reviewed demands', async () => {
    expect(idsOf(await search(`${m}企业网站`))).toEqual([ids.site]);
    const apps = await search(`${m}小程序`);
    expect(idsOf(apps)).toEqual([ids.design]);
    const anyApp = await search('小程序开发');
    expect(idsOf(anyApp)).toContain(ids.app);
    expect(idsOf(anyApp)).not.toContain(ids.pending);
    for (const row of anyApp.data) expect(row.title).toContain('小程序开发');
    const oneChar = await search('标');
    expect(idsOf(oneChar)).toContain(ids.label);
    for (const row of oneChar.data) expect(row.title).toContain('标');
  });

  it('answers an empty page for a term nobody wrote', async () => {
    expect(await search(`${m}没有这个词`)).toMatchObject({ total: 0, last_page: 1, data: [] });
    expect((await search(`${m}Zebra`)).data).toEqual([]);
    // Every pair occurs, but not in this order in any title.
    expect((await search(`${m}开发微信`)).total).toBe(0);
  });

  it('matches ASCII terms whatever their case, spaces included', async () => {
    expect(idsOf(await search(`${m} REACT`))).toEqual([ids.dashboard, ids.react]);
    expect(idsOf(await search(`${m} react native`))).toEqual([ids.react]);
    const native = await search('Native App');
    expect(idsOf(native)).toContain(ids.react);
    for (const row of native.data) expect(row.title.toLowerCase()).toContain('native app');
  });

  it('finds a title pasted with invisible spaces by the words it shows, and takes them in a term', async () => {
    const id = await postDemand(t, owner, { title: `${m}\u200b视频\u200b剪辑\ufeff` });
    await approveDemand(t, id);
    expect(idsOf(await search(`${m}视频剪辑`))).toEqual([id]);
    expect(idsOf(await search(`视频\u200b剪辑`))).toContain(id);
  });

  it('takes % and _ literally', async () => {
    expect(idsOf(await search(`${m}100%`))).toEqual([ids.percent]);
    expect(idsOf(await search(`${m}100%_`))).toEqual([ids.percent]);
    expect(idsOf(await search(`${m}100_`))).toEqual([]);
    expect(idsOf(await search(`${m}1000_`))).toEqual([ids.underscore]);
    const percent = await search('%');
    expect(idsOf(percent)).toContain(ids.percent);
    for (const row of percent.data) expect(row.title).toContain('%');
    const underscore = await search('_');
    expect(idsOf(underscore)).toEqual(expect.arrayContaining([ids.percent, ids.underscore]));
    for (const row of underscore.data) expect(row.title).toContain('_');
  });

  it('combines the term with the kind filter', async () => {
    expect(idsOf(await search(`${m}`, { titletype: '2' }))).toEqual([ids.site]);
    const partTime = await search('开发', { titletype: 1 });
    expect(idsOf(partTime)).toContain(ids.app);
    expect(idsOf(partTime)).not.toContain(ids.site);
    for (const row of partTime.data) expect(row).toMatchObject({ titletype: '兼职' });
  });

  it('follows an edited title once the demand is reviewed again', async () => {
    const id = await postDemand(t, owner, { title: `${m}旧标题` });
    await approveDemand(t, id);
    expect(idsOf(await search(`${m}旧标题`))).toEqual([id]);
    const edit = await legacyPost(t.app, '/user/goods/edit', {
      ...checkFields(owner),
      id,
      ...demandFields({ title: `${m}新标题` }),
    });
    expect(edit.body.res).toBe(1);
    await approveDemand(t, id);
    expect(idsOf(await search(`${m}旧标题`))).toEqual([]);
    expect(idsOf(await search(`${m}新标题`))).toEqual([id]);
  });

  it('stores the search tokens with the demand', async () => {
    const row = await t.stores.database.db
      .selectFrom('demands')
      .select(['title', 'title_grams'])
      .where('id', '=', ids.react as number)
      .executeTakeFirstOrThrow();
    expect(row.title_grams).toBe(titleGrams(row.title));
    expect(titleGrams('Ab')).toBe(titleGrams('aB'));
  });

  it('refuses an over-long term with the field named, and ignores an empty one', async () => {
    const long = await legacyPost(t.app, '/index/goods/index', { title: '长'.repeat(101) });
    expect(long.body).toEqual({ res: 0, err: '标题不能超过100个字符', data: '' });
    const empty = await legacyPost(t.app, '/index/goods/index', { title: '  ', limit: 1 });
    expect(empty.body.res).toBe(1);
    expect((empty.body.data as Paginator).total).toBeGreaterThanOrEqual(9);
  });

  it('pages deep into a long list alike from either end', async () => {
    // Offsets from 2000 on count first and may walk from the oldest end; rows straight into the
    // table keep this quick. Kind `other` keeps them out of other files' first pages on a shared MySQL.
    const bulk = rareCjk(3);
    const now = Date.now();
    const batch = randomInt(1_000_000_000);
    const rows = Array.from({ length: 4400 }, (_, i) => ({
      owner_id: owner.userId,
      order_no: `q${batch}-${i}`,
      title: `${bulk}批量${i}`,
      title_grams: titleGrams(`${bulk}批量${i}`),
      kind: 3,
      price_fen: 100,
      settlement: 1,
      address: '深圳',
      work_start: now,
      work_end: now,
      category: '',
      description: '批量',
      review_state: i % 20 === 19 ? 0 : 1,
      review_reason: '',
      paid: 0,
      settled: 0,
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await t.stores.database.db
        .insertInto('demands')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    const ids = (
      await t.stores.database.db
        .selectFrom('demands')
        .select('id')
        .where('title', 'like', `${bulk}%`)
        .where('review_state', '=', 1)
        .orderBy('id', 'desc')
        .execute()
    ).map((r) => r.id);
    const total = 4180;
    expect(ids).toHaveLength(total);
    const cases: Array<[number, number]> = [
      [100, 1],
      [100, 20], // offset 1900: read in parallel with the count
      [100, 21], // offset 2000: counted first, still nearer the newest end
      [100, 22], // offset 2100: past the middle, from the oldest end
      [30, 100], // offset 2970
      [100, 42], // the partial last page
      [30, 140], // the partial last page of another size
      [100, 43], // past the end
    ];
    for (const [limit, page] of cases) {
      const answer = await search(bulk, { titletype: 3, limit, page });
      expect(answer.total).toBe(total);
      expect(answer.last_page).toBe(Math.ceil(total / limit));
      expect(idsOf(answer), `limit ${limit} page ${page}`).toEqual(
        ids.slice((page - 1) * limit, page * limit),
      );
    }
  });

  it('searches over the typed API too', async () => {
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const page = await createClient({ url }).demands.list.query({ title: `${m}数据`, perPage: 5 });
    expect(page).toMatchObject({ total: 1, page: 1, perPage: 5, lastPage: 1 });
    expect(page.items.map((d) => d.id)).toEqual([ids.label]);
    expect(page.items[0]?.createdAt).toBeInstanceOf(Date);
  });
});
