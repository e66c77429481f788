import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/src/db/database.js';
import { listPublicDemands } from '../../../server/src/features/demands/demand.repository.js';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends, openPrivateDatabase } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import {
  approveDemand,
  demandFields,
  postDemand,
  rejectDemand,
  type Session,
} from '../../support/marketplace-flow.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

type Counts = Record<string, number>;

/**
 * The counts the triggers keep and the counts of the rows, read in one transaction: on a MySQL
 * database shared with other test files both come from the same snapshot, so they must agree
 * whatever else is being written meanwhile.
 */
async function keptAndActual(db: Db): Promise<{ kept: Counts; actual: Counts }> {
  return db.transaction().execute(async (tx) => {
    const kept = await tx.selectFrom('demand_counts').select(['review_state', 'kind', 'n']).execute();
    const actual = await tx
      .selectFrom('demands')
      .select(['review_state', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['review_state', 'kind'])
      .execute();
    const byKey = (rows: Array<{ review_state: number; kind: number; n: number | string }>) =>
      Object.fromEntries(
        rows.filter((r) => Number(r.n) !== 0).map((r) => [`${r.review_state}/${r.kind}`, Number(r.n)]),
      );
    return { kept: byKey(kept), actual: byKey(actual) };
  });
}

async function expectCountsExact(db: Db): Promise<Counts> {
  const { kept, actual } = await keptAndActual(db);
  expect(kept).toEqual(actual);
  return kept;
}

describe.each(backends)('the kept demand counts ($name)', (backend) => {
  let t: TestApp;
  let owner: Session;

  beforeAll(async () => {
    t = await startTestApp(backend);
    owner = await loginBySms(t, undefined, 2);
  });
  afterAll(() => t.close());

  it('follow every insert, review, edit, change of kind and delete', async () => {
    await expectCountsExact(t.stores.database.db);
    const partTime = await postDemand(t, owner, { titletype: '1' });
    const fullTime = await postDemand(t, owner, { titletype: '2' });
    const other = await postDemand(t, owner, { titletype: '3' });
    await expectCountsExact(t.stores.database.db);

    await approveDemand(t, partTime);
    await approveDemand(t, fullTime);
    await rejectDemand(t, other);
    await expectCountsExact(t.stores.database.db);

    // An edit sends the demand back to review, here with another kind.
    const edited = await legacyPost(t.app, '/user/goods/edit', {
      ...checkFields(owner),
      id: String(partTime),
      ...demandFields({ titletype: '3' }),
    });
    expect(edited.body.res, edited.body.err).toBe(1);
    await expectCountsExact(t.stores.database.db);

    const removed = await legacyPost(t.app, '/user/goods/del', {
      ...checkFields(owner),
      id: String(fullTime),
    });
    expect(removed.body.res, removed.body.err).toBe(1);
    await expectCountsExact(t.stores.database.db);
  });

  it('are what the public list shows as its total, with and without a kind', async () => {
    const before = await expectCountsExact(t.stores.database.db);
    const id = await postDemand(t, owner, { titletype: '2' });
    await approveDemand(t, id);
    const after = await expectCountsExact(t.stores.database.db);
    expect((after['1/2'] ?? 0) - (before['1/2'] ?? 0)).toBe(1);
    // The embedded database is this test's alone, so the list total must equal the kept count
    // exactly; a shared MySQL database may gain demands from other files between two reads.
    if (backend.name !== 'embedded') return;
    const total = async (fields: Record<string, unknown>) => {
      const answer = await legacyPost(t.app, '/index/goods/index', fields);
      expect(answer.body.res, answer.body.err).toBe(1);
      return (answer.body.data as { total: number }).total;
    };
    const reviewed = ['1/1', '1/2', '1/3'].reduce((sum, key) => sum + (after[key] ?? 0), 0);
    expect(await total({})).toBe(reviewed);
    expect(await total({ titletype: '2' })).toBe(after['1/2']);
    expect(await total({ titletype: '1' })).toBe(after['1/1'] ?? 0);
  });

  it('stay exact and free of deadlocks under concurrent reviews and edits moving opposite ways', async () => {
    const ids = await Promise.all(
      Array.from({ length: 24 }, (_, i) => postDemand(t, owner, { titletype: String((i % 3) + 1) })),
    );
    await Promise.all(ids.slice(0, 12).map((id) => approveDemand(t, id)));
    // Half move pending → approved, half approved → pending, all at once: the same two counter
    // rows of each kind, taken in opposite directions.
    const results = await Promise.all([
      ...ids.slice(12).map((id) => approveDemand(t, id).then(() => ({ res: 1, err: '' }))),
      ...ids.slice(0, 12).map(async (id, i) => {
        const answer = await legacyPost(t.app, '/user/goods/edit', {
          ...checkFields(owner),
          id: String(id),
          ...demandFields({ titletype: String((i % 3) + 1) }),
        });
        return answer.body as { res: number; err: string };
      }),
    ]);
    for (const result of results) expect(result.res, result.err).toBe(1);
    await expectCountsExact(t.stores.database.db);
  });

  it('are written by nothing but the triggers: the rows match after a direct insert and delete', async () => {
    const db = t.stores.database.db;
    const { insertId } = await db
      .insertInto('demands')
      .values(directDemand(owner.userId, 1, 1))
      .executeTakeFirstOrThrow();
    await expectCountsExact(t.stores.database.db);
    await sql`delete from demands where id = ${Number(insertId)}`.execute(db);
    await expectCountsExact(t.stores.database.db);
  });

  it('start far pages at their bucket: the same rows as walking the whole offset', async () => {
    // Thousands of reviewed demands would push other files' demands out of the newest 100 they
    // look for on a shared database: this test writes them into its own.
    const ownDatabase = await openPrivateDatabase(backend);
    try {
      await farPagesMatchTheWalk(ownDatabase.database.db, owner.userId);
    } finally {
      await ownDatabase.close();
    }
  });
});

async function farPagesMatchTheWalk(db: Db, ownerId: number): Promise<void> {
  // Enough reviewed demands over many buckets of 1024 ids that pages lie 2000 rows and more from
  // both ends, for all kinds and for kind 1 alone; pending and rejected ones interleaved.
  const rows = Array.from({ length: 14_000 }, (_, i) =>
    directDemand(ownerId, i % 7 === 0 ? 0 : i % 7 === 1 ? 2 : 1, i % 5 < 3 ? 1 : i % 5 === 3 ? 2 : 3),
  );
  for (let i = 0; i < rows.length; i += 400) {
    await db
      .insertInto('demands')
      .values(rows.slice(i, i + 400))
      .execute();
  }
  await expectCountsExact(db);
  await db.transaction().execute(async (tx) => {
    for (const kind of [undefined, 1]) {
      let walk = tx.selectFrom('demands').select('id').where('review_state', '=', 1);
      if (kind !== undefined) walk = walk.where('kind', '=', kind);
      const all = (await walk.orderBy('id', 'desc').execute()).map((r) => r.id);
      const total = all.length;
      const middle = Math.floor(total / 2);
      const offsets = [1999, 2000, 2001, middle - 1, middle, middle + 1, total - 20, total - 7, total - 1];
      // Across bucket edges, from both ends.
      for (let o = 2000; o < 3200; o += 37) offsets.push(o, total - o - 20);
      for (const offset of offsets.filter((o) => o >= 0)) {
        const page = await listPublicDemands(tx, kind === undefined ? {} : { kind }, 20, offset);
        expect(page.total, `kind ${kind}`).toBe(total);
        expect(
          page.rows.map((r) => r.id),
          `kind ${kind}, offset ${offset}`,
        ).toEqual(all.slice(offset, offset + 20));
      }
    }
  });
}

/** A demand row written straight into the table, as an import or the bench seeder would. */
function directDemand(ownerId: number, reviewState: number, kind: number) {
  const now = Date.now();
  return {
    owner_id: ownerId,
    order_no: `d${now}${Math.random().toString(36).slice(2, 10)}`,
    title: '直接写入',
    kind,
    price_fen: 100,
    settlement: 1,
    address: '上海',
    work_start: now,
    work_end: now,
    category: '',
    description: '不经过服务',
    review_state: reviewState,
    review_reason: '',
    paid: 0,
    settled: 0,
    created_at: now,
    updated_at: now,
  };
}
