import { AppError } from '../../errors.js';
import { rateSubjectOf } from '../../kv/client-address.js';
import type { KeyValueStore } from '../../kv/store.js';

/**
 * How long a client's count of searches in flight lives in the store. It is counted up at the
 * start and down at the end of each search; the TTL only clears a count a crashed instance left
 * behind, so it must outlast any search.
 */
const inFlightTtlMs = 60_000;

/**
 * Title searches in flight at once per client IP (an IPv6 one by its /64, kv/client-address.ts),
 * counted in the key-value store so the cap holds across instances. A search's cost is bounded,
 * but a client sending many at once would still queue them on the database ahead of everyone else;
 * past the cap it is refused at once (SEARCH_TOO_MANY) instead of queued. Counting first, then
 * checking, keeps racing requests under the cap.
 */
export class TitleSearchGuard {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly perIp: number,
  ) {}

  async run<T>(ip: string, search: () => Promise<T>): Promise<T> {
    const key = `search:in-flight:${rateSubjectOf(ip)}`;
    const inFlight = await this.kv.increment(key, inFlightTtlMs);
    try {
      if (inFlight > this.perIp) throw new AppError('SEARCH_TOO_MANY');
      return await search();
    } finally {
      // A store gone meanwhile leaves the count up until its TTL: the answer still stands.
      await this.kv.increment(key, inFlightTtlMs, -1).catch(() => undefined);
    }
  }
}
