import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { offsetOf, type PageRequest, pageResult } from '../../fields.js';
import { listPublicDemands } from './demand.repository.js';
import type { DemandKind } from './demand.schemas.js';
import type { DemandService } from './demand.service.js';
import { kindCodes } from './demand.table.js';
import { PublicDemandSearch } from './public-search.js';
import type { TitleSearchGuard } from './search-guard.js';

/** The public list of reviewed demands, and title search on it: what anyone may ask without logging in. */
export class PublicDemandsService {
  private readonly search: PublicDemandSearch;

  constructor(
    private readonly db: Db,
    clock: Clock,
    private readonly demands: DemandService,
    private readonly guard: TitleSearchGuard,
  ) {
    this.search = new PublicDemandSearch(db, clock);
  }

  /** Newest first; a title term counts at most `maxCountedMatches` matches and pages stop there. */
  async list(filter: { kind?: DemandKind; title?: string }, page: PageRequest, ip: string) {
    const kind = filter.kind ? kindCodes[filter.kind] : undefined;
    const term = filter.title;
    const offset = offsetOf(page);
    const found = term
      ? await this.guard.run(ip, () => this.search.search({ kind, term }, page.perPage, offset))
      : { ...(await listPublicDemands(this.db, { kind }, page.perPage, offset)), totalIsExact: true };
    const items = await this.demands.withDetails(found.rows);
    return { ...pageResult(items, found.total, page), totalIsExact: found.totalIsExact };
  }
}
