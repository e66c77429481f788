import type { Clock } from '../../clock.js';

/**
 * Counts this instance remembers for a while, each asked of the database once and shared while in
 * flight, so a burst of the same search costs one count. A failed count is forgotten at once; past
 * `maxRemembered` keys the memory starts over rather than grow.
 */
export class RememberedCounts {
  private readonly counts = new Map<string, { at: number; lifetimeMs: number; count: Promise<number> }>();

  constructor(
    private readonly clock: Clock,
    private readonly lifetimeMs: number,
    private readonly maxRemembered: number,
  ) {}

  /**
   * The remembered count of `key`, or `count()` (shared with every caller while in flight). A
   * settled count is kept for `lifetimeOf(count)` ms (the store's lifetime unless given; 0: the next
   * caller asks again).
   */
  get(
    key: string,
    count: () => Promise<number>,
    lifetimeOf: (count: number) => number = () => this.lifetimeMs,
  ): Promise<number> {
    const now = this.clock.now();
    const known = this.counts.get(key);
    if (known && now - known.at < known.lifetimeMs) return known.count;
    if (this.counts.size >= this.maxRemembered) this.counts.clear();
    const entry = { at: now, lifetimeMs: this.lifetimeMs, count: count() };
    const forget = () => {
      if (this.counts.get(key) === entry) this.counts.delete(key);
    };
    entry.count.then((n) => {
      entry.lifetimeMs = lifetimeOf(n);
      if (entry.lifetimeMs <= 0) forget();
    }, forget);
    this.counts.set(key, entry);
    return entry.count;
  }
}
