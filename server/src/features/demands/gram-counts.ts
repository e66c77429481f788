import { sql } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { hasFulltextIndex } from './title-search.js';

/** How long a gram's count is trusted; it only steers which gram leads the search, never its result. */
const countLifetimeMs = 10 * 60 * 1000;
/** Distinct grams remembered at most; past that the memory starts over. */
const maxRemembered = 20_000;
/** Grams of one term counted at most: a long term's first search must not ask for a hundred counts. */
const maxCandidates = 8;

/**
 * Which of a term's grams the FULLTEXT index should look up. MariaDB's InnoDB FULLTEXT reads every
 * token of a boolean query in full, so `+开发 +发海 +海报` costs as much as the most common pair
 * (12.5k titles at 100k demands, 125k at 1M: seconds), even when another pair occurs nowhere.
 * Every title containing the term holds each of its grams, so any one gram finds all candidates
 * (LIKE then confirms them): the one in the fewest titles is the cheapest. Counting a gram costs
 * what looking it up does, so each count is remembered for a while; a count in flight is shared.
 */
export class GramCounts {
  private readonly counts = new Map<string, { at: number; count: Promise<number> }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** The gram of `grams` in the fewest titles; undefined where there is no FULLTEXT index (SQLite). */
  async rarest(grams: readonly string[]): Promise<string | undefined> {
    if (!hasFulltextIndex(this.db) || grams.length === 0) return undefined;
    if (grams.length === 1) return grams[0];
    // Spread over the term: any of its grams finds every match, so a sample serves.
    const step = Math.max(1, grams.length / maxCandidates);
    const candidates = Array.from(
      { length: Math.min(grams.length, maxCandidates) },
      (_, i) => grams[Math.floor(i * step)] as string,
    );
    const counts = await Promise.all(candidates.map((gram) => this.countOf(gram)));
    let best = 0;
    for (let i = 1; i < candidates.length; i++)
      if ((counts[i] as number) < (counts[best] as number)) best = i;
    return candidates[best];
  }

  private countOf(gram: string): Promise<number> {
    const now = this.clock.now();
    const known = this.counts.get(gram);
    if (known && now - known.at < countLifetimeMs) return known.count;
    if (this.counts.size >= maxRemembered) this.counts.clear();
    const count = sql<{ n: number | string }>`
      select count(*) as n from demands where match(title_grams) against (${`+${gram}`} in boolean mode)`
      .execute(this.db)
      .then(({ rows }) => Number(rows[0]?.n ?? 0));
    // A failed count is not remembered: the next search asks again.
    count.catch(() => this.counts.delete(gram));
    this.counts.set(gram, { at: now, count });
    return count;
  }
}
