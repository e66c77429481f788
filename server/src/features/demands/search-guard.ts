import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import { rateSubjectOf } from '../../kv/client-address.js';
import type { KeyValueStore } from '../../kv/store.js';

/**
 * A search is counted under the minute it started in, and counted down there when it ends. The
 * store's TTL only starts when a count is created, so one key kept busy by a client would expire
 * with searches in flight; their ends would then count below zero and the cap would grow by its
 * size every minute. A key per minute, kept two, outlives every search that started in it (a search
 * ends within DB_STATEMENT_TIMEOUT_MS), and a count a crashed instance left clears by itself.
 */
const minuteMs = 60_000;
const keptMs = 2 * minuteMs;

/**
 * Title searches in flight at once per client IP (an IPv6 one by its /64, kv/client-address.ts),
 * counted in the key-value store so the cap holds across instances. A search's cost is bounded,
 * but a client sending many at once would still queue them on the database ahead of everyone else;
 * past the cap it is refused at once (SEARCH_TOO_MANY) instead of queued. Counting first, then
 * checking, keeps racing requests under the cap; the searches the previous minute started, still
 * in flight, count too.
 */
export class TitleSearchGuard {
  private running = 0;
  /** Searches waiting for a place on this instance, first come first served. */
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
    private readonly perIp: number,
    /**
     * Searches running at once on this instance, from every address: a deep page of a frequent term
     * costs MySQL a hundred times the public list's page 1 and more, and eight addresses at their
     * cap held every pooled connection, so the public list answered 503. More wait their turn (a
     * search takes milliseconds, at most the statement limit), up to four times as many; past
     * those, one is refused at once (SEARCH_BUSY), and the rest of the pool stays with everything
     * else. Refused at once without a queue, ordinary users searching at the same moment were
     * turned away.
     */
    private readonly perInstance: number,
  ) {}

  async run<T>(ip: string, search: () => Promise<T>): Promise<T> {
    const minute = Math.floor(this.clock.now() / minuteMs);
    const keyOf = (m: number) => `search:in-flight:${rateSubjectOf(ip)}:${m}`;
    const key = keyOf(minute);
    const [counted, before] = await Promise.allSettled([
      this.kv.increment(key, keptMs),
      this.kv.get(keyOf(minute - 1)),
    ]);
    if (counted.status === 'rejected') throw counted.reason;
    try {
      // Counted, but the previous minute's key unread (a Redis Cluster master down holds it): the
      // finally below takes the count back, or the address stayed refused for two minutes after.
      if (before.status === 'rejected') throw before.reason;
      const inFlight = counted.value + Math.max(0, Number(before.value ?? 0));
      if (inFlight > this.perIp) throw new AppError('SEARCH_TOO_MANY');
      return await this.onThisInstance(search);
    } finally {
      // A store gone meanwhile leaves the count up until its TTL: the answer still stands.
      await this.kv.increment(key, keptMs, -1).catch(() => undefined);
    }
  }

  private async onThisInstance<T>(search: () => Promise<T>): Promise<T> {
    if (this.running < this.perInstance) this.running++;
    else if (this.waiting.length < 4 * this.perInstance) {
      // Handed its place by a search that ends (below), so `running` never drops under the queue.
      await new Promise<void>((takePlace) => this.waiting.push(takePlace));
    } else throw new AppError('SEARCH_BUSY');
    try {
      return await search();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
