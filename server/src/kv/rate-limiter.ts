import type { Clock } from '../clock.js';
import type { KeyValueStore } from './store.js';

export interface RateRule {
  /** Names the counter, e.g. `sms:phone:hour`. */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  /**
   * Names the window a moment falls in. Absent: the `windowMs`-long slices of Unix time, so a day
   * would start at UTC midnight. A calendar day where the users live starts at their midnight.
   */
  readonly windowOf?: (now: number) => string;
}

/** One counted hit: whether it was within the limit, and the counter it went to, for a refund. */
export interface CountedHit {
  readonly allowed: boolean;
  /** The counter of the window the hit fell in; a refund must go there, whatever the time then. */
  readonly key: string;
  readonly windowMs: number;
}

/**
 * Fixed-window counters. The window is picked from the injected clock (not from the store's TTL),
 * so tests can step into the next window; the TTL only cleans up.
 */
export class RateLimiter {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  /** Counts one hit and answers whether it is still within the limit. Counting first makes races safe. */
  async hit(rule: RateRule, subject: string): Promise<boolean> {
    return (await this.count(rule, subject)).allowed;
  }

  /** Counts one hit like `hit`, and answers what `refund` needs to take it back. */
  async count(rule: RateRule, subject: string): Promise<CountedHit> {
    const key = this.key(rule, subject);
    const count = await this.kv.increment(key, rule.windowMs);
    return { allowed: count <= rule.limit, key, windowMs: rule.windowMs };
  }

  /**
   * Takes one hit back, e.g. a login attempt counted up front that turned out to succeed. It goes
   * to the window the hit was counted in: when the check straddled a window boundary, taking it
   * from the new window would start that one at -1, one attempt more than its limit.
   */
  async refund(hit: CountedHit): Promise<void> {
    await this.kv.increment(hit.key, hit.windowMs, -1);
  }

  /**
   * Runs `work` as one hit of `rule` for `subject`, refused past the limit with `refusal()`. When
   * the work fails, nothing was done: its hit is taken back (at best: a store failing then leaves
   * the hit counted, one attempt fewer for the window).
   */
  async counted<T>(
    rule: RateRule,
    subject: string,
    refusal: () => Error,
    work: () => Promise<T>,
  ): Promise<T> {
    const hit = await this.count(rule, subject);
    if (!hit.allowed) throw refusal();
    try {
      return await work();
    } catch (error) {
      await this.refund(hit).catch(() => undefined);
      throw error;
    }
  }

  /** Whether the window's hits already reach the limit, so the next would be refused. Counts nothing. */
  async reached(rule: RateRule, subject: string): Promise<boolean> {
    return Number(await this.kv.get(this.key(rule, subject))) >= rule.limit;
  }

  /** Forgets the hits of the current window, e.g. a phone's failed logins after a success. */
  async reset(rule: RateRule, subject: string): Promise<void> {
    await this.kv.delete(this.key(rule, subject));
  }

  private key(rule: RateRule, subject: string): string {
    const now = this.clock.now();
    const window = rule.windowOf ? rule.windowOf(now) : Math.floor(now / rule.windowMs);
    return `rate:${rule.name}:${subject}:${window}`;
  }
}
