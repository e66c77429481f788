import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as blockCounts from '../../../migrations/20261210000000_demand_count_blocks.js';
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

/** Ids per bucket and per block, as the migrations count them. */
const bucketIds = 1024;
const blockIds = 1024 * 64;

/**
 * What one level of kept counts holds and what the rows say, per review state, kind and (for the
 * buckets and blocks) block of ids; rows whose count fell to 0 are left out of both.
 */
interface Level {
  readonly table: 'demand_counts' | 'demand_count_buckets' | 'demand_count_blocks';
  readonly column?: 'bucket' | 'block';
  readonly ids?: number;
}
const levels: readonly Level[] = [
  { table: 'demand_counts' },
  { table: 'demand_count_buckets', column: 'bucket', ids: bucketIds },
  { table: 'demand_count_blocks', column: 'block', ids: blockIds },
];

/**
 * The counts the triggers keep and the counts of the rows, at every level, read in one
 * transaction: on a MySQL database shared with other test files both come from the same snapshot,
 * so they must agree whatever else is being written meanwhile.
 */
async function keptAndActual(db: Db): Promise<{ kept: Counts; actual: Counts }> {
  return db.transaction().execute(async (tx) => {
    const kept: Counts = {};
    const actual: Counts = {};
    const add = (
      into: Counts,
      level: Level,
      rows: Array<{ s: number; k: number; p: unknown; n: unknown }>,
    ) => {
      for (const r of rows) {
        if (Number(r.n) !== 0) into[`${level.table} ${r.s}/${r.k}/${Number(r.p)}`] = Number(r.n);
      }
    };
    for (const level of levels) {
      const part = level.column ? sql.raw(level.column) : sql`0`;
      const { rows: keptRows } = await sql<{ s: number; k: number; p: unknown; n: unknown }>`
        select review_state as s, kind as k, ${part} as p, n from ${sql.table(level.table)}`.execute(tx);
      add(kept, level, keptRows);
      // Integer division written the same on both databases: (id - id % size) / size.
      const ofRow = level.ids ? sql.raw(`(id - id % ${level.ids}) / ${level.ids}`) : undefined;
      const { rows: actualRows } = await sql<{ s: number; k: number; p: unknown; n: unknown }>`
        select review_state as s, kind as k, ${ofRow ?? sql`0`} as p, count(*) as n from demands
        group by review_state, kind ${ofRow ? sql`, ${ofRow}` : sql``}`.execute(tx);
      add(actual, level, actualRows);
    }
    return { kept, actual };
  });
}

/** The counts of every level match the rows; answers the totals per `state/kind`. */
async function expectCountsExact(db: Db): Promise<Counts> {
  const { kept, actual } = await keptAndActual(db);
  expect(kept).toEqual(actual);
  return Object.fromEntries(
    Object.entries(kept)
      .filter(([key]) => key.startsWith('demand_counts '))
      .map(([key, n]) => [key.slice('demand_counts '.length, key.lastIndexOf('/')), n]),
  );
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

  it('are counted for the demands already there when the block level is added', async () => {
    const ownDatabase = await openPrivateDatabase(backend);
    try {
      await blocksCountWhatWasThere(ownDatabase.database.db, owner.userId);
    } finally {
      await ownDatabase.close();
    }
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

/** Demands written before the block counts existed are counted by the migration that adds them. */
async function blocksCountWhatWasThere(db: Db, ownerId: number): Promise<void> {
  await blockCounts.down(db as unknown as Kysely<unknown>);
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    id: 1 + i * 50,
    ...directDemand(ownerId, i % 3, (i % 3) + 1),
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('demands')
      .values(rows.slice(i, i + 500))
      .execute();
  }
  await blockCounts.up(db as unknown as Kysely<unknown>);
  await expectCountsExact(db);
  // And the triggers it put back keep all three levels.
  await sql`update demands set review_state = 1, kind = 3 where id % 7 = 0`.execute(db);
  await sql`delete from demands where id % 11 = 0`.execute(db);
  await expectCountsExact(db);
}

async function farPagesMatchTheWalk(db: Db, ownerId: number): Promise<void> {
  // Enough reviewed demands over many buckets of 1024 ids that pages lie 2000 rows and more from
  // both ends, for all kinds and for kind 1 alone; pending and rejected ones interleaved. Ids 13
  // apart (and a gap) spread them over four blocks of 64 buckets, some empty or partly filled.
  const rows = Array.from({ length: 14_000 }, (_, i) => ({
    id: 1 + i * 13 + (i >= 9000 ? 20_000 : 0),
    ...directDemand(ownerId, i % 7 === 0 ? 0 : i % 7 === 1 ? 2 : 1, i % 5 < 3 ? 1 : i % 5 === 3 ? 2 : 3),
  }));
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
      // Across bucket edges, from both ends, and across every block edge.
      for (let o = 2000; o < 3200; o += 37) offsets.push(o, total - o - 20);
      for (let edge = blockIds; edge < (all[0] ?? 0); edge += blockIds) {
        const at = all.findIndex((id) => id < edge);
        offsets.push(at - 21, at - 20, at - 1, at, at + 1);
      }
      for (const offset of offsets.filter((o) => o >= 0 && o < total)) {
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
