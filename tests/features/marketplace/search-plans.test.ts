import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../client-sdk/index.js';
import type { Db } from '../../../server/src/db/database.js';
import {
  collectMatches,
  countMatches,
  type TermFilter,
  walkMatches,
} from '../../../server/src/features/demands/demand.repository.js';
import { GramCounts } from '../../../server/src/features/demands/gram-counts.js';
import { maxCountedMatches, PublicDemandSearch } from '../../../server/src/features/demands/public-search.js';
import { titleGrams } from '../../../server/src/features/demands/title-search.js';
import { backends, embedded, withPrivateDatabase } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { listen, ManualClock, startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * Title search over more matches than it counts, on a database of this file's own: 30,000 demands
 * with ids spread over several blocks of kept counts, half of them holding 开发 (10,714 reviewed:
 * past the cap), a rare word in 1 of 300, a word whose pairs are common but which is rare as a
 * whole, and one in the newest titles only. Whatever way a search finds its page (walking the newest demands or through the index),
 * it must answer exactly what filtering every row would.
 */
const demandCount = 30_000;
const terms = {
  dense: '开发',
  rare: '量子',
  // Both pairs (开发, 发外) are common; the three characters together are in 1 title of 100.
  sparseOfCommonPairs: '开发外',
  // In every one of the newest 3000 titles and in no older one: dense in the sample, few in all.
  trending: '热门',
  none: '开发海报',
} as const;

function titleOf(i: number): string {
  const city = ['北京', '上海', '深圳', '杭州'][i % 4];
  const subject = i % 300 === 7 ? '量子计算' : ['小程序', '官网', '海报', '外包'][i % 4];
  const action = i % 2 === 0 ? (i % 100 === 4 ? '开发外包' : '开发') : '设计';
  const trending = i >= demandCount - 3000 ? '热门' : '';
  return `${trending}${city}${subject}${action}需求`;
}

async function seed(db: Db): Promise<void> {
  const now = Date.now();
  const rows = Array.from({ length: demandCount }, (_, i) => ({
    // Ids 5 apart: 150k ids, three blocks of 65,536 and many buckets of 1024.
    id: i * 5 + 1,
    owner_id: 1,
    order_no: `plan-${i}`,
    title: titleOf(i),
    title_grams: titleGrams(titleOf(i)),
    kind: (i % 3) + 1,
    price_fen: 100,
    settlement: 1,
    address: '深圳',
    work_start: now,
    work_end: now,
    category: '',
    description: '批量',
    review_state: i % 7 === 0 ? 0 : i % 7 === 1 ? 2 : 1,
    review_reason: '',
    paid: 0,
    settled: 0,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('demands')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

/** Every reviewed match, newest first, by testing every row: what any plan must agree with. */
async function exhaustive(db: Db, filter: TermFilter): Promise<number[]> {
  let query = db
    .selectFrom('demands')
    .select(['id', 'title'])
    .where('review_state', '=', 1)
    .orderBy('id', 'desc');
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  const rows = await query.execute();
  return rows.filter((r) => r.title.includes(filter.term)).map((r) => r.id);
}

describe.each(backends)('title search past 10,000 matches ($name)', (backend) => {
  let t: TestApp;
  let db: Db;
  const expected = new Map<string, number[]>();
  const key = (f: TermFilter) => `${f.kind ?? ''}:${f.term}`;
  const filters: TermFilter[] = Object.values(terms).flatMap((term) => [{ term }, { term, kind: 1 }]);

  beforeAll(async () => {
    t = await startTestApp(withPrivateDatabase(backend));
    db = t.stores.database.db;
    await seed(db);
    for (const f of filters) expected.set(key(f), await exhaustive(db, f));
    expect(expected.get(key({ term: terms.dense }))?.length).toBeGreaterThan(maxCountedMatches);
    expect(expected.get(key({ term: terms.sparseOfCommonPairs }))?.length).toBeGreaterThan(20);
  }, 120_000);
  afterAll(() => t.close());

  it('walks the newest demands for a dense term, and reads a rare one through the index', async () => {
    const search = new PublicDemandSearch(db, new ManualClock());
    if (backend.name === 'embedded') {
      expect(await search.planFor(terms.dense, 20)).toBeUndefined(); // no FULLTEXT index: every search walks
      return;
    }
    expect(await search.planFor(terms.dense, 20)).toEqual({ page: 'walk', count: 'walk' });
    expect((await search.planFor(terms.rare, 20))?.page).toBe('index');
    expect((await search.planFor(terms.none, 20))?.page).toBe('index');
    // Dense among the newest titles: walked, and where the walk comes back short (its count, its
    // deep pages) the index answers instead; the next test checks those answers.
    expect(await search.planFor(terms.trending, 2020)).toEqual({ page: 'walk', count: 'walk' });
  });

  it('finds the same rows walking as through the index, as filtering every row does', async () => {
    const gramCounts = new GramCounts(db, new ManualClock());
    for (const f of filters) {
      const all = expected.get(key(f)) as number[];
      const gram = (await gramCounts.estimate(f.term))?.gram;
      expect(await collectMatches(db, f, gram, maxCountedMatches + 1), key(f)).toEqual(
        all.slice(0, maxCountedMatches + 1),
      );
      for (const offset of [0, 20, 1990, 5000, all.length - 15]) {
        if (offset < 0) continue;
        const walked = await walkMatches(db, f, 20, offset);
        expect(
          walked.map((r) => r.id),
          `${key(f)} at ${offset}`,
        ).toEqual(all.slice(offset, offset + 20));
      }
      expect(await countMatches(db, f, { walk: { above: 0 } }, maxCountedMatches + 1)).toBe(
        Math.min(all.length, maxCountedMatches + 1),
      );
      if (gram) {
        expect(await countMatches(db, f, { gram }, maxCountedMatches + 1)).toBe(
          Math.min(all.length, maxCountedMatches + 1),
        );
      }
    }
  });

  it('answers every page as filtering every row would, counting at most 10,000', async () => {
    const search = new PublicDemandSearch(db, new ManualClock());
    for (const f of filters) {
      const all = expected.get(key(f)) as number[];
      const capped = all.slice(0, maxCountedMatches);
      for (const [perPage, offset] of [
        [20, 0],
        [20, 20],
        [100, 1900],
        [20, 2000],
        [20, 9980],
        [15, 9990], // the cap's last page holds its last 10
        [20, 10_000], // past the cap: nothing
        [20, Math.max(0, all.length - 7)],
      ] as const) {
        const page = await search.search(f, perPage, offset);
        expect(
          page.rows.map((r) => r.id),
          `${key(f)}: ${perPage} at ${offset}`,
        ).toEqual(capped.slice(offset, offset + perPage));
        expect(page.total).toBe(capped.length);
        expect(page.totalIsExact).toBe(all.length <= maxCountedMatches);
      }
    }
  });

  it('stops the legacy paginator at 10,000 matches: total 10000, the last page and nothing past it', async () => {
    const list = async (fields: Record<string, unknown>) => {
      const answer = await legacyPost(t.app, '/index/goods/index', { title: terms.dense, ...fields });
      expect(answer.status).toBe(200);
      expect(answer.body.res, answer.body.err).toBe(1);
      return answer.body.data as { total: number; last_page: number; data: Array<{ id: number }> };
    };
    const all = expected.get(key({ term: terms.dense })) as number[];
    const first = await list({ limit: 20 });
    expect(first).toMatchObject({ total: 10_000, last_page: 500 });
    expect(first.data.map((d) => d.id)).toEqual(all.slice(0, 20));
    const last = await list({ limit: 20, page: 500 });
    expect(last.data.map((d) => d.id)).toEqual(all.slice(9980, 10_000));
    expect(await list({ limit: 20, page: 501 })).toMatchObject({ total: 10_000, last_page: 500, data: [] });
    const fifteen = await list({ limit: 15, page: 667 });
    expect(fifteen).toMatchObject({ total: 10_000, last_page: 667 });
    expect(fifteen.data.map((d) => d.id)).toEqual(all.slice(9990, 10_000));
    // Of one kind the matches are fewer than the cap: counted exactly.
    const ofKind = await list({ limit: 20, titletype: 1 });
    expect(ofKind.total).toBe(expected.get(key({ term: terms.dense, kind: 1 }))?.length);
  });

  it('says over the typed API whether the total is exact', async () => {
    const api = createClient({ url: await listen(t) });
    const dense = await api.demands.list.query({ title: terms.dense, perPage: 10 });
    expect(dense).toMatchObject({ total: 10_000, totalIsExact: false, lastPage: 1000 });
    const rare = await api.demands.list.query({ title: terms.rare, perPage: 10 });
    expect(rare).toMatchObject({
      total: expected.get(key({ term: terms.rare }))?.length,
      totalIsExact: true,
    });
    const unfiltered = await api.demands.list.query({ perPage: 10 });
    expect(unfiltered.totalIsExact).toBe(true);
    expect(unfiltered.total).toBeGreaterThan(maxCountedMatches);
  });
});

/**
 * A total's memory, where the page is walked and the count is the dear part: always on SQLite, and
 * on MySQL for a term dense among the newest demands (on this file's ids, 5 apart, the walk's bound
 * falls short and the index answers, its total the page's own collect, so SQLite shows it plainly).
 */
describe('the total of a title search, remembered while large (embedded)', () => {
  let t: TestApp;
  let db: Db;
  beforeAll(async () => {
    t = await startTestApp(withPrivateDatabase(embedded));
    db = t.stores.database.db;
    await seed(db);
  }, 120_000);
  afterAll(() => t.close());

  it('remembers an exact total above 1,000 for 30 seconds, and counts a smaller one every time', async () => {
    const clock = new ManualClock();
    const search = new PublicDemandSearch(db, clock);
    const large: TermFilter = { term: '小程序' };
    const small: TermFilter = { term: terms.rare };
    const totalOf = async (f: TermFilter) => (await search.search(f, 20, 0)).total;
    const [largeBefore, smallBefore] = [await totalOf(large), await totalOf(small)];
    expect(largeBefore).toBe((await exhaustive(db, large)).length);
    expect(largeBefore).toBeGreaterThan(1000);
    expect(largeBefore).toBeLessThanOrEqual(maxCountedMatches);

    // A new reviewed demand, the newest, matching both.
    const row = await db.selectFrom('demands').selectAll().where('review_state', '=', 1).executeTakeFirst();
    const newest = await db
      .selectFrom('demands')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const id = Number(newest?.id) + 1;
    const title = '新小程序量子计算需求';
    await db
      .insertInto('demands')
      .values({
        ...(row as NonNullable<typeof row>),
        id,
        order_no: `new-${id}`,
        title,
        title_grams: titleGrams(title),
      })
      .execute();
    expect(await totalOf(small)).toBe(smallBefore + 1);
    expect(await totalOf(large)).toBe(largeBefore);
    clock.advance(30_000);
    expect(await totalOf(large)).toBe(largeBefore + 1);
  });
});
