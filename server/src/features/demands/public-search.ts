import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import {
  collectMatches,
  countMatches,
  type DemandRow,
  demandsNewestFirst,
  newestDemandId,
  type TermFilter,
  walkMatches,
} from './demand.repository.js';
import { countDemandsIn } from './demand-counts.js';
import { GramCounts, type TermEstimate } from './gram-counts.js';
import { RememberedCounts } from './remembered-counts.js';

/**
 * A title search counts at most this many matches, and pages stop there: Elasticsearch's default
 * `track_total_hits` (and `max_result_window`). Counting every match of a frequent term cost
 * seconds of MariaDB time per request (125k matches of `开发` at 1M demands).
 */
export const maxCountedMatches = 10_000;

/**
 * A total that reached the cap stays true for a while (as a lower bound); it is counted again after
 * this. Counting a frequent term to the cap reads ~80k rows at 1M demands.
 */
const cappedTotalLifetimeMs = 10 * 60_000;
/**
 * An exact total this large is remembered briefly too: counting it reads at least as many rows, on
 * every request of a term anyone can find, and a total off by the demands of the last half minute
 * shows nowhere among thousands. A smaller total is counted each time, so the page and its total
 * agree for the few a user can check (a demand just posted among its search's matches).
 */
const largeTotalAbove = 1_000;
const largeTotalLifetimeMs = 30_000;
/**
 * How long the newest id, from which walks start, is trusted. A stale one only widens the walk's
 * bound by the demands added since: every newer demand is still walked.
 */
const newestIdLifetimeMs = 10_000;
/** How long the reviewed count of a kind, which sizes the walk's bound, is trusted. */
const reviewedLifetimeMs = 10 * 60_000;
/**
 * What reading one title through the FULLTEXT index costs, in rows of the walk, as measured on
 * MariaDB 10.11 at 1M demands (bench/README.md).
 */
const indexCostInRows = 6;
/**
 * How many times its estimate a walk may read: matches are not spread evenly over the ids. A count
 * walks only for dense terms, whose estimate is close; and its bound must stay well inside the list,
 * or MariaDB 10.11 walks the index of all kinds for a kind's count, several times slower.
 */
const pageWalkMargin = 4;
const countWalkMargin = 1.5;
/**
 * A count, and a deep page finding where it starts, walk this many ids per statement. Each statement
 * must stay well inside the statement time limit (DB_STATEMENT_TIMEOUT_MS, 500 ms by default), which
 * one walk to the cap overran for a frequent term of one kind at 1M demands (~300k rows read): the
 * search answered 503, every time, since a failed count is not remembered.
 */
const walkSliceIds = 32_768;

export interface SearchPage {
  readonly rows: DemandRow[];
  /** The matches counted, at most `maxCountedMatches`. */
  readonly total: number;
  /** False when counting stopped at the cap: there are at least `total` matches. */
  readonly totalIsExact: boolean;
}

/** How a search finds its page and its total, decided per term from the kept counts. */
export interface SearchPlan {
  readonly page: 'walk' | 'index';
  readonly count: 'walk' | 'index';
}

/**
 * The public list narrowed to titles containing a term, newest first, at a cost that does not grow
 * with the term's matches for page 1. Two ways to find matches, picked per term from the kept
 * counts (GramCounts: the term's rarest gram and how dense the term is among the newest titles):
 *
 * - **index**: the FULLTEXT index finds every title holding the term's rarest gram, each is read to
 *   confirm the term, and the newest `maxCountedMatches + 1` ids give both the page and the total.
 *   Costs one read per title holding the gram: cheap for rare terms, seconds for `开发` at 1M.
 * - **walk**: read the newest reviewed demands in id order, keeping matches until the page is full
 *   (or the count passes the cap). Costs rows in proportion to the page's depth over the term's
 *   density: ~160 for page 1 of a term in one title of 8, whatever its total. The walk is bounded to
 *   the ids its estimate needs, with a margin; when it comes back short, the index answers instead.
 *
 * A total that passed the cap is remembered for 10 minutes, one above 1,000 for 30 seconds. Without a
 * FULLTEXT index (the embedded SQLite default) every search walks, unbounded: the same answers, at a
 * scan's cost.
 */
export class PublicDemandSearch {
  private readonly gramCounts: GramCounts;
  private readonly totals: RememberedCounts;
  private readonly reviewedCounts: RememberedCounts;
  private readonly newestId: RememberedCounts;

  constructor(
    private readonly db: Db,
    clock: Clock,
  ) {
    this.gramCounts = new GramCounts(db, clock);
    this.totals = new RememberedCounts(clock, cappedTotalLifetimeMs, 10_000);
    this.reviewedCounts = new RememberedCounts(clock, reviewedLifetimeMs, 10);
    this.newestId = new RememberedCounts(clock, newestIdLifetimeMs, 1);
  }

  async search(filter: TermFilter, perPage: number, offset: number): Promise<SearchPage> {
    // Pages stop at the cap: the last one holds what is left of it.
    const limit = Math.max(0, Math.min(perPage, maxCountedMatches - offset));
    const estimate = await this.gramCounts.estimate(filter.term);
    if (!estimate) {
      const [rows, counted] = await Promise.all([
        limit > 0 ? walkMatches(this.db, filter, limit, offset) : [],
        this.countCapped(filter, () => this.countByWalk(filter, 0)),
      ]);
      return { rows, ...totalOf(counted) };
    }
    const plan = planOf(estimate, offset + limit);
    if (plan.page === 'walk' && limit > 0) {
      const bound = await this.walkBound(filter, estimate, offset + limit, pageWalkMargin);
      const [rows, counted] = await Promise.all([
        this.walkPage(filter, limit, offset, bound),
        this.countCapped(filter, () => this.countFor(filter, estimate, plan)),
      ]);
      // A short page may only have met the walk's bound, unless the bound took in every demand.
      if (rows.length === limit || bound === 0) return { rows, ...totalOf(counted) };
    }
    if (plan.page === 'walk' && limit === 0) {
      return {
        rows: [],
        ...totalOf(await this.countCapped(filter, () => this.countFor(filter, estimate, plan))),
      };
    }
    const ids = await collectMatches(this.db, filter, estimate.gram, maxCountedMatches + 1);
    const rows = await demandsNewestFirst(this.db, ids.slice(offset, offset + limit));
    return { rows, ...totalOf(ids.length) };
  }

  /** The plan `search` starts with for the term, `depth` rows deep; undefined without a FULLTEXT index (SQLite walks). */
  async planFor(term: string, depth: number): Promise<SearchPlan | undefined> {
    const estimate = await this.gramCounts.estimate(term);
    return estimate && planOf(estimate, depth);
  }

  /** The count through the walk when it should reach the cap sooner than the index reads its titles. */
  private async countFor(filter: TermFilter, estimate: TermEstimate, plan: SearchPlan): Promise<number> {
    if (plan.count === 'walk') {
      const bound = await this.walkBound(filter, estimate, maxCountedMatches + 1, countWalkMargin);
      const walked = await this.countByWalk(filter, bound);
      if (walked > maxCountedMatches) return walked;
    }
    return countMatches(this.db, filter, { gram: estimate.gram }, maxCountedMatches + 1);
  }

  /**
   * The matches above the id `floor`, counted up to one past the cap by walking down from the newest
   * in slices of `walkSliceIds`, one statement each. The first slice has no upper end, so demands
   * newer than the remembered newest id count too.
   */
  private async countByWalk(filter: TermFilter, floor: number): Promise<number> {
    const wanted = maxCountedMatches + 1;
    let top = await this.newestId.get('', () => newestDemandId(this.db));
    let atMost: number | undefined;
    let counted = 0;
    while (counted < wanted) {
      const above = Math.max(floor, top - walkSliceIds);
      counted += await countMatches(this.db, filter, { walk: { above, atMost } }, wanted - counted);
      if (above <= floor) break;
      top = above;
      atMost = above;
    }
    return counted;
  }

  /**
   * The page at `offset` by walking down to the id `floor`. The matches to skip are counted slice by
   * slice (each count stops as soon as it passes what is left to skip, so a shallow page costs a few
   * rows), and the page is walked from the slice it starts in: no statement reads much more than a
   * slice, however deep the page.
   */
  private async walkPage(filter: TermFilter, limit: number, offset: number, floor: number) {
    let top = await this.newestId.get('', () => newestDemandId(this.db));
    let atMost: number | undefined;
    let toSkip = offset;
    for (;;) {
      const above = Math.max(floor, top - walkSliceIds);
      const inSlice =
        toSkip === 0 || above <= floor
          ? Number.POSITIVE_INFINITY
          : await countMatches(this.db, filter, { walk: { above, atMost } }, toSkip + 1);
      if (inSlice > toSkip) return walkMatches(this.db, filter, limit, toSkip, { above: floor, atMost });
      toSkip -= inSlice;
      top = above;
      atMost = above;
    }
  }

  /** The matches, counted up to one past the cap; a large count is remembered for a while. */
  private countCapped(filter: TermFilter, count: () => Promise<number>): Promise<number> {
    return this.totals.get(`${filter.kind ?? ''}:${filter.term}`, count, (n) =>
      n > maxCountedMatches ? cappedTotalLifetimeMs : n > largeTotalAbove ? largeTotalLifetimeMs : 0,
    );
  }

  /** The id above which a walk for `depth` matches looks (0: all of them): its estimate, with a margin, in ids. */
  private async walkBound(
    filter: TermFilter,
    estimate: TermEstimate,
    depth: number,
    margin: number,
  ): Promise<number> {
    const [walked, newest] = await Promise.all([
      this.reviewedCounts.get(String(filter.kind ?? ''), () =>
        countDemandsIn(this.db, { reviewState: 1, kind: filter.kind }),
      ),
      this.newestId.get('', () => newestDemandId(this.db)),
    ]);
    // Of the ids, only the reviewed demands of the kind are on the walk.
    const ids = (margin * rowsToWalk(estimate, depth) * estimate.demands) / Math.max(1, walked);
    return Math.max(0, Math.floor(newest - ids));
  }
}

/** Rows of the reviewed list a walk reads to find `depth` matches, going by the sample. */
const rowsToWalk = (estimate: TermEstimate, depth: number) =>
  estimate.sampled === 0 ? Number.POSITIVE_INFINITY : (depth * estimate.sampleSize) / estimate.sampled;

function planOf(estimate: TermEstimate, depth: number): SearchPlan {
  const indexCost = estimate.titles * indexCostInRows;
  return {
    page: rowsToWalk(estimate, depth) < indexCost ? 'walk' : 'index',
    count: rowsToWalk(estimate, maxCountedMatches + 1) < indexCost ? 'walk' : 'index',
  };
}

const totalOf = (counted: number) => ({
  total: Math.min(counted, maxCountedMatches),
  totalIsExact: counted <= maxCountedMatches,
});
