import { sql } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { RememberedCounts } from './remembered-counts.js';
import { hasFulltextIndex, termGrams, titleGrams } from './title-search.js';

/** How long counts and the sample are trusted; they only steer how a term is searched, never its result. */
const countLifetimeMs = 10 * 60 * 1000;
/** Distinct grams remembered at most; past that the memory starts over. */
const maxRemembered = 20_000;
/** Grams of one term looked at at most: a long term's first search must not ask for a hundred counts. */
const maxCandidates = 8;
/** The newest reviewed titles kept as a sample of what titles hold. */
export const sampleSize = 2_000;
/**
 * A gram in this many sampled titles or more is common (about 1 title in 500 or more): its count
 * is estimated from the sample, since counting it through the FULLTEXT index reads every title
 * holding it (125k titles hold `开发` at 1M demands). Rarer grams are counted, at most this
 * far, which costs what reading their titles does.
 */
const commonInSample = 4;
const maxCounted = 5_000;

/** What the kept counts say about a term. */
export interface TermEstimate {
  /** The term's gram in the fewest titles: the one the FULLTEXT index looks up. */
  readonly gram: string;
  /** Titles holding the gram, whatever their review state (estimated for a common gram, counted up to 5000 for the others). */
  readonly titles: number;
  /** Demands in all, whatever their review state. */
  readonly demands: number;
  /** Titles of the sample (the newest reviewed demands) containing the whole term. */
  readonly sampled: number;
  readonly sampleSize: number;
}

interface Sample {
  readonly titles: readonly string[];
  readonly grams: ReadonlyMap<string, number>;
}

/**
 * What the database holds about a term's grams, kept for a while: which of its grams the FULLTEXT
 * index should look up, and how dense the term is among the newest titles.
 *
 * MariaDB's InnoDB FULLTEXT reads every token of a boolean query in full, so `+开发 +发海 +海报`
 * costs as much as the most common pair, even when another pair occurs nowhere. Every title
 * containing the term holds each of its grams, so any one gram finds all candidates (LIKE then
 * confirms them): the one in the fewest titles is the cheapest. A sample of the newest titles tells
 * common grams (estimated from it) from rare ones (counted through the index, which is cheap for
 * them); each count is remembered for a while, and a count in flight is shared.
 */
export class GramCounts {
  private readonly counts: RememberedCounts;
  private sample: { at: number; sample: Promise<Sample> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.counts = new RememberedCounts(clock, countLifetimeMs, maxRemembered);
  }

  /** What the counts say about `term`; undefined where there is no FULLTEXT index (SQLite). */
  async estimate(term: string): Promise<TermEstimate | undefined> {
    const grams = termGrams(term);
    if (!hasFulltextIndex(this.db) || grams.length === 0) return undefined;
    const [sample, demands] = await Promise.all([
      this.currentSample(),
      this.counts.get('', () => this.countDemands()),
    ]);
    // Any of its grams finds every match, so a few serve: those the sample holds least, in the term's
    // order among equals. A gram the newest titles hardly hold is the likeliest to be in few titles
    // at all, and counting a rare gram costs what reading its few titles does. (Taken evenly spaced,
    // a term of common words with rare pairs across them, `设计开发网站视频…`, was looked up by a
    // common pair, every title holding it read to find nothing.)
    const inSampleOf = (gram: string) => sample.grams.get(gram) ?? 0;
    const candidates = [...grams].sort((x, y) => inSampleOf(x) - inSampleOf(y)).slice(0, maxCandidates);
    const titles = await Promise.all(
      candidates.map((gram) => {
        const inSample = inSampleOf(gram);
        return inSample >= commonInSample
          ? Math.round((inSample / Math.max(1, sample.titles.length)) * demands)
          : this.counts.get(gram, () => this.countTitlesWith(gram));
      }),
    );
    let best = 0;
    for (let i = 1; i < candidates.length; i++)
      if ((titles[i] as number) < (titles[best] as number)) best = i;
    const lowered = term.toLowerCase();
    let sampled = 0;
    for (const title of sample.titles) if (title.includes(lowered)) sampled++;
    return {
      gram: candidates[best] as string,
      titles: titles[best] as number,
      demands,
      sampled,
      sampleSize: sample.titles.length,
    };
  }

  private currentSample(): Promise<Sample> {
    const now = this.clock.now();
    if (this.sample && now - this.sample.at < countLifetimeMs) return this.sample.sample;
    const entry = { at: now, sample: this.readSample() };
    entry.sample.catch(() => {
      if (this.sample === entry) this.sample = undefined;
    });
    this.sample = entry;
    return entry.sample;
  }

  private async readSample(): Promise<Sample> {
    const rows = await this.db
      .selectFrom('demands')
      .select('title')
      .where('review_state', '=', 1)
      .orderBy('id', 'desc')
      .limit(sampleSize)
      .execute();
    const grams = new Map<string, number>();
    for (const { title } of rows) {
      for (const gram of titleGrams(title).split(' ')) grams.set(gram, (grams.get(gram) ?? 0) + 1);
    }
    return { titles: rows.map((r) => r.title.toLowerCase()), grams };
  }

  private async countTitlesWith(gram: string): Promise<number> {
    const { rows } = await sql<{ n: number | string }>`
      select count(*) as n from (
        select 1 from demands where match(title_grams) against (${`+${gram}`} in boolean mode) limit ${maxCounted}
      ) titles`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  /** From the counts the triggers keep: a handful of rows. */
  private async countDemands(): Promise<number> {
    const row = await this.db
      .selectFrom('demand_counts')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), eb.lit(0)).as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
