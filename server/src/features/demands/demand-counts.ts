import { sql } from 'kysely';
import { compiledOnce } from '../../db/compiled-once.js';
import type { Db } from '../../db/database.js';

/** Ids per bucket of `demand_count_buckets`, and buckets per block of `demand_count_blocks`, as their migrations count them. */
const bucketSize = 1024;
const bucketsPerBlock = 64;

/** Which demands a kept count covers: one review state, and one kind or all of them. */
export interface CountedDemands {
  readonly reviewState: number;
  readonly kind?: number;
}

/** How many demands are in the review state (of the kind), from the counts the triggers keep. */
export async function countDemandsIn(db: Db, where: CountedDemands): Promise<number> {
  const [row] = await keptCount(db, { reviewState: where.reviewState, kind: where.kind });
  return Number(row?.n ?? 0);
}

const keptCount = compiledOnce((db, where: { reviewState: number; kind: number | undefined }) => {
  const query = db
    .selectFrom('demand_counts')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), eb.lit(0)).as('n'))
    .where('review_state', '=', where.reviewState);
  return where.kind === undefined ? query : query.where('kind', '=', where.kind);
});

/**
 * Where the demand at `position` (0-based, newest first) of the review state (and kind) is: the id
 * bound of its bucket, how many rows of the state lie between that bound and it (fewer than a
 * bucket holds), and how many rows the state has in all. Reading ids below the bound, skipping
 * those, costs at most one bucket's walk instead of `position` index entries. Null past the end.
 *
 * Two levels, in one statement: the block (64 buckets) holding the position, from the block
 * counts (~50 rows at 1M demands), then its bucket among that block's bucket counts (≤ 192 rows).
 * Summing the bucket counts alone read ~2900 rows at 1M, more than all of page 1 costs.
 */
export async function locatePosition(
  db: Db,
  where: CountedDemands,
  position: number,
): Promise<{ bound: number; skip: number; total: number } | null> {
  const kind = where.kind === undefined ? sql`` : sql`and kind = ${where.kind}`;
  const bucketKind = where.kind === undefined ? sql`` : sql`and b.kind = ${where.kind}`;
  // Per block, then per bucket of the found block (all kinds summed): its rows, the rows of the
  // newer blocks or buckets, and all rows.
  const { rows } = await sql<{ bucket: number; ahead: number | string; total: number | string }>`
    with found_block as (
      select block, ahead, total from (
        select block, sum(n) as here,
          coalesce(sum(sum(n)) over (order by block desc rows between unbounded preceding and 1 preceding), 0) as ahead,
          sum(sum(n)) over () as total
        from demand_count_blocks
        where review_state = ${where.reviewState} ${kind}
        group by block
      ) blocks
      where ahead <= ${position} and ahead + here > ${position}
    )
    select bucket, ahead, total from (
      select b.bucket, sum(b.n) as here,
        f.ahead + coalesce(sum(sum(b.n)) over (order by b.bucket desc rows between unbounded preceding and 1 preceding), 0) as ahead,
        f.total
      from found_block f
      join demand_count_buckets b
        on b.review_state = ${where.reviewState} ${bucketKind}
        and b.bucket between f.block * ${bucketsPerBlock} and f.block * ${bucketsPerBlock} + ${bucketsPerBlock - 1}
      group by b.bucket, f.ahead, f.total
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
