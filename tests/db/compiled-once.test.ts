import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledOnce } from '../../server/src/db/compiled-once.js';
import type { Database } from '../../server/src/db/database.js';
import { readConsistently } from '../../server/src/db/transaction.js';
import { backends, openPrivateDatabase } from '../support/backends.js';

/*
 * compiledOnce builds a query once per shape and fills in each call's values: a value put in the
 * wrong place, or a shape taken for another, would answer one caller with another's rows.
 */
const databaseKinds = backends.filter((backend) => backend.name !== 'mysql+redis-cluster');

describe.each(databaseKinds)('queries compiled once ($name)', (backend) => {
  let database: Database;
  let close: () => Promise<void>;
  let builds = 0;

  const filesOf = compiledOnce(
    (db, { demandIds, url }: { demandIds: readonly number[]; url: string | undefined }) => {
      builds += 1;
      const query = db
        .selectFrom('demand_files')
        .select(['demand_id', 'url'])
        .where('demand_id', 'in', demandIds);
      return (url === undefined ? query : query.where('url', '=', url)).orderBy('id');
    },
  );
  const urlsOf = async (demandIds: number[], url?: string) =>
    (await filesOf(database.db, { demandIds, url })).map((row) => `${row.demand_id}:${row.url}`);

  beforeAll(async () => {
    ({ database, close } = await openPrivateDatabase(backend));
    await database.db
      .insertInto('demand_files')
      .values(
        [1, 2, 3, 4, 5].flatMap((demandId) => [
          { demand_id: demandId, url: `a${demandId}`, created_at: 0 },
          { demand_id: demandId, url: `b${demandId}`, created_at: 0 },
        ]),
      )
      .execute();
  });
  afterAll(() => close?.());

  it('answers each call with its own values, building each shape once', async () => {
    expect(await urlsOf([1, 2])).toEqual(['1:a1', '1:b1', '2:a2', '2:b2']);
    expect(await urlsOf([4, 3])).toEqual(['3:a3', '3:b3', '4:a4', '4:b4']);
    expect(builds).toBe(1);

    // Another list length is another shape.
    expect(await urlsOf([5])).toEqual(['5:a5', '5:b5']);
    expect(builds).toBe(2);

    // A value given where it was absent is another shape too, and each keeps its own.
    expect(await urlsOf([1, 2], 'b2')).toEqual(['2:b2']);
    expect(await urlsOf([4, 5], 'a4')).toEqual(['4:a4']);
    expect(await urlsOf([2, 3])).toEqual(['2:a2', '2:b2', '3:a3', '3:b3']);
    expect(builds).toBe(3);
  });

  it('refuses a builder that turns a value into text instead of passing it on', async () => {
    const misused = compiledOnce((db, { url }: { url: string }) =>
      db.selectFrom('demand_files').select('url').where('url', 'like', `${url}%`),
    );
    await expect(misused(database.db, { url: 'a' })).rejects.toThrow(/1 value\(s\) are not parameters/);
  });

  it('runs in a transaction with the shape its database compiled', async () => {
    const before = builds;
    await urlsOf([1, 2]);
    const inSnapshot = await readConsistently(database.db, async (tx) =>
      (await filesOf(tx, { demandIds: [3, 1], url: undefined })).map((row) => row.url),
    );
    expect(inSnapshot).toEqual(['a1', 'b1', 'a3', 'b3']);
    expect(builds).toBe(before);
  });
});
