import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

/** Ids per bucket of `demand_count_buckets`, as the migration that creates it counts them. */
const bucketSize = 1024;

/** How many demands are in the review state (of the kind), from the counts the triggers keep. */
export async function countDemandsIn(db: Db, reviewState: number, kind?: number): Promise<number> {
  let query = db
    .selectFrom('demand_counts')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), eb.lit(0)).as('n'))
    .where('review_state', '=', reviewState);
  if (kind !== undefined) query = query.where('kind', '=', kind);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Where the demand at `position` (0-based, counted from the newest for `desc`, the oldest for `asc`)
 * of the review state (and kind) is: the id bound of its bucket, and how many rows of the state lie
 * between that bound and it (fewer than a bucket holds). Reading ids from the bound on, skipping
 * those, costs at most one bucket's walk instead of `position` index entries. Null past the end.
 */
export async function locatePosition(
  db: Db,
  where: { reviewState: number; kind?: number },
  position: number,
  direction: 'asc' | 'desc',
): Promise<{ bound: number; skip: number } | null> {
  const kind = where.kind === undefined ? sql`` : sql`and kind = ${where.kind}`;
  const order = direction === 'desc' ? sql`desc` : sql`asc`;
  // Per bucket (all kinds summed): its rows, and the rows of the buckets ahead of it in this direction.
  const { rows } = await sql<{ bucket: number; ahead: number | string }>`
    select bucket, ahead from (
      select bucket, sum(n) as here,
        coalesce(sum(sum(n)) over (order by bucket ${order} rows between unbounded preceding and 1 preceding), 0) as ahead
      from demand_count_buckets
      where review_state = ${where.reviewState} ${kind}
      group by bucket
    ) buckets
    where ahead <= ${position} and ahead + here > ${position}`.execute(db);
  const found = rows[0];
  if (!found) return null;
  const bucket = Number(found.bucket);
  return {
    // Newest first: ids below the bucket's end; oldest first: ids from the bucket's start.
    bound: direction === 'desc' ? (bucket + 1) * bucketSize : bucket * bucketSize,
    skip: position - Number(found.ahead),
  };
}
