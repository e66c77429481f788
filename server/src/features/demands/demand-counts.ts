import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

/** Ids per bucket of `demand_count_buckets`, as the migration that creates it counts them. */
const bucketSize = 1024;

/** Which demands a kept count covers: one review state, and one kind or all of them. */
export interface CountedDemands {
  readonly reviewState: number;
  readonly kind?: number;
}

/** How many demands are in the review state (of the kind), from the counts the triggers keep. */
export async function countDemandsIn(db: Db, where: CountedDemands): Promise<number> {
  let query = db
    .selectFrom('demand_counts')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), eb.lit(0)).as('n'))
    .where('review_state', '=', where.reviewState);
  if (where.kind !== undefined) query = query.where('kind', '=', where.kind);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Where the demand at `position` (0-based, newest first) of the review state (and kind) is: the id
 * bound of its bucket, how many rows of the state lie between that bound and it (fewer than a
 * bucket holds), and how many rows the state has in all. Reading ids below the bound, skipping
 * those, costs at most one bucket's walk instead of `position` index entries. Null past the end.
 */
export async function locatePosition(
  db: Db,
  where: CountedDemands,
  position: number,
): Promise<{ bound: number; skip: number; total: number } | null> {
  const kind = where.kind === undefined ? sql`` : sql`and kind = ${where.kind}`;
  // Per bucket (all kinds summed): its rows, the rows of the newer buckets, and all rows.
  const { rows } = await sql<{ bucket: number; ahead: number | string; total: number | string }>`
    select bucket, ahead, total from (
      select bucket, sum(n) as here,
        coalesce(sum(sum(n)) over (order by bucket desc rows between unbounded preceding and 1 preceding), 0) as ahead,
        sum(sum(n)) over () as total
      from demand_count_buckets
      where review_state = ${where.reviewState} ${kind}
      group by bucket
    ) buckets
    where ahead <= ${position} and ahead + here > ${position}`.execute(db);
  const found = rows[0];
  if (!found) return null;
  return {
    bound: (Number(found.bucket) + 1) * bucketSize,
    skip: position - Number(found.ahead),
    total: Number(found.total),
  };
}
