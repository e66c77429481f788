import { type RawBuilder, sql } from 'kysely';

/**
 * A row's version for a write at `now` (a moment in ms that a reviewer's decision names:
 * `demands.updated_at`, a verification's `submitted_at`): `now`, or one past the stored version
 * when that is not earlier. Two writes in one millisecond (two sessions saving at once) otherwise
 * left the second with the version a reviewer had read of the first, and a decision naming it was
 * applied to content nobody read.
 */
export function nextVersion(column: string, now: number): RawBuilder<number> {
  return sql<number>`case when ${sql.ref(column)} >= ${now} then ${sql.ref(column)} + 1 else ${now} end`;
}
