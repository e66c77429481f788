import type { Clock } from '../clock.js';
import type { KeyValueStore } from './store.js';

export interface RateRule {
  /** Names the counter, e.g. `sms:phone:hour`. */
  readonly name: string;
  readonly limit: number;
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
    return (await this.kv.increment(this.key(rule, subject), rule.windowMs)) <= rule.limit;
  }

  /** Takes one hit back, e.g. a login attempt counted up front that turned out to succeed. */
  async refund(rule: RateRule, subject: string): Promise<void> {
    await this.kv.increment(this.key(rule, subject), rule.windowMs, -1);
  }

  /** Forgets the hits of the current window, e.g. a phone's failed logins after a success. */
  async reset(rule: RateRule, subject: string): Promise<void> {
    await this.kv.delete(this.key(rule, subject));
  }

  private key(rule: RateRule, subject: string): string {
    const window = Math.floor(this.clock.now() / rule.windowMs);
    return `rate:${rule.name}:${subject}:${window}`;
  }
}
