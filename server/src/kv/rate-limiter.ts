import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { StoreUnavailableError } from '../errors.js';
import type { KeyValueStore } from './store.js';

export interface RateRule {
  /** Names the counter, e.g. `sms:phone:hour`. */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  /**
   * Names the fixed window a moment falls in, for a limit per calendar unit: a day where the users
   * live starts at their midnight. Absent, the window slides: at most `limit` hits in any `windowMs`.
   */
  readonly windowOf?: (now: number) => string;
}

/** A rule counted in calendar windows (a day from the users' midnight), whose count `add` may raise by any amount. */
export type CalendarRule = RateRule & { readonly windowOf: (now: number) => string };

/**
 * One counted hit: whether it was within the limit, where it was recorded, for a refund, and, when
 * refused, how long until one more would be allowed (the client's "try again in").
 */
export type CountedHit = { readonly allowed: boolean; readonly retryAfterMs?: number } & (
  | {
      /** The counter of the calendar window the hit fell in; a refund goes there, whatever the time then. */
      readonly key: string;
      readonly windowMs: number;
    }
  | {
      /** The sliding window's log, and the hit's member in it when it was allowed (a refused hit is not kept). */
      readonly key: string;
      readonly member: string;
    }
);

const minuteMs = 60_000;

/**
 * Whether a failed store command may still have been carried out. One refused before it was sent
 * (no connection) did nothing, and schedules no take-back: during an outage those are most
 * failures, and each would have left four timers behind.
 */
const mayHaveRun = (error: unknown) => !(error instanceof StoreUnavailableError && error.notSent);

/** When a hit whose store failed is taken out of its log (RateLimiter.removeLater). */
const takeBackDelaysMs = [1_000, 3_000, 10_000, 60_000];

/**
 * Limits of hits per subject. A rule's window slides: a log of its hits' moments, so "1 a minute"
 * is one in any 60 seconds. With fixed windows (the clock's minutes) two hits could land a moment
 * apart across a boundary, and a login lock of 15 minutes ended when the quarter did, seconds after
 * it began: each limit doubled at every boundary, across instances as well. A rule per calendar unit
 * (`windowOf`: ten SMS a day) counts in its fixed window. Moments come from the injected clock (not
 * from the store's TTL), so tests can step past a window; the TTL only cleans up.
 */
export class RateLimiter {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts one hit and answers whether it is still within the limit (counting first makes races
   * safe), what `refund` needs to take it back, and when refused, when to try again.
   */
  async count(rule: RateRule, subject: string): Promise<CountedHit> {
    const now = this.clock.now();
    const key = this.keyOf(rule, subject, now);
    if (rule.windowOf) {
      const count = await this.kv.increment(key, rule.windowMs);
      if (count <= rule.limit) return { allowed: true, key, windowMs: rule.windowMs };
      const retryAfterMs = untilNextWindow(rule.windowOf, now);
      return { allowed: false, key, windowMs: rule.windowMs, ...(retryAfterMs && { retryAfterMs }) };
    }
    // Unique among the hits of one moment, on any instance.
    const member = `${now}:${randomBytes(6).toString('base64url')}`;
    try {
      const waitMs = await this.kv.addWithinWindow(key, member, now, rule.windowMs, rule.limit);
      return waitMs === 0
        ? { allowed: true, key, member }
        : { allowed: false, key, member, retryAfterMs: waitMs };
    } catch (error) {
      // Failed, the request answers 503 and counts nothing; but the hit may be recorded all the same.
      if (mayHaveRun(error)) this.removeLater(key, member);
      throw error;
    }
  }

  /**
   * Takes one hit back, e.g. a login attempt counted up front that turned out to succeed. A
   * calendar window's hit goes back to the window it was counted in: when the check straddled a
   * boundary, taking it from the new window would start that one at -1, one hit more than its limit.
   */
  async refund(hit: CountedHit): Promise<void> {
    if ('member' in hit) {
      if (hit.allowed) {
        await this.kv.removeFromLog(hit.key, hit.member).catch((error: unknown) => {
          // Sent or not, the hit may still be in the log: removed later.
          this.removeLater(hit.key, hit.member);
          throw error;
        });
      }
    } else {
      await this.kv.increment(hit.key, hit.windowMs, -1);
    }
  }

  /**
   * Runs `work` as one hit of `rule` for `subject`, refused past the limit with `refusal()`. When
   * the work fails, nothing was done: its hit is taken back (at best: a store failing then leaves
   * the hit counted, one attempt fewer for the window).
   */
  async counted<T>(
    rule: RateRule,
    subject: string,
    refusal: (hit: CountedHit) => Error,
    work: () => Promise<T>,
  ): Promise<T> {
    const hit = await this.count(rule, subject);
    if (!hit.allowed) throw refusal(hit);
    try {
      return await work();
    } catch (error) {
      await this.refund(hit).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Adds `amount` to a calendar window's count (the bytes a user stored today): a rule whose limit
   * is an amount, not a number of hits; `reached` then says whether the window holds the limit.
   */
  async add(rule: CalendarRule, subject: string, amount: number): Promise<void> {
    await this.kv.increment(this.keyOf(rule, subject, this.clock.now()), rule.windowMs, amount);
  }

  /** Whether the window's hits already reach the limit, so the next would be refused. Counts nothing. */
  async reached(rule: RateRule, subject: string): Promise<boolean> {
    const now = this.clock.now();
    const key = this.keyOf(rule, subject, now);
    const hits = rule.windowOf
      ? Number(await this.kv.get(key))
      : await this.kv.countSince(key, now - rule.windowMs);
    return hits >= rule.limit;
  }

  /** Forgets the hits of the window, e.g. a phone's failed logins after a success. */
  async reset(rule: RateRule, subject: string): Promise<void> {
    await this.kv.delete(this.keyOf(rule, subject, this.clock.now()));
  }

  /**
   * Takes a hit out of its log a few times over the next minute, whatever the store answers now. A
   * store that answers too late (a Redis stalled past the timeout, which runs the count when it
   * wakes) or not at all records a hit its request answered 503 for, so the phone's one SMS a
   * minute was spent on a code never sent. Removing a member is the same however often it is done,
   * and done also when the hit was never recorded. A calendar window's count is not: it keeps such
   * a hit, one of the day's ten.
   */
  private removeLater(key: string, member: string): void {
    for (const delayMs of takeBackDelaysMs) {
      setTimeout(() => this.kv.removeFromLog(key, member).catch(() => undefined), delayMs).unref();
    }
  }

  /** A sliding window's log, or the counter of the calendar window `now` falls in. */
  private keyOf(rule: RateRule, subject: string, now: number): string {
    const key = `rate:${rule.name}:${subject}`;
    return rule.windowOf ? `${key}:${rule.windowOf(now)}` : key;
  }
}

/**
 * How long from `now` until `windowOf` names another window (the users' next midnight), to the
 * minute and never short of it: hours forward to the first that does, then minutes within the hour
 * before it. Asked of refused hits only, so the few dozen calls of the calendar cost allowed ones
 * nothing. A day is at most 25 hours (a summer-time change); past two, no window is named.
 */
function untilNextWindow(windowOf: (now: number) => string, now: number): number | undefined {
  const hour = 60 * minuteMs;
  const current = windowOf(now);
  let later = now + hour;
  for (let hours = 1; windowOf(later) === current; hours++) {
    if (hours > 48) return undefined;
    later += hour;
  }
  let at = later - hour;
  while (windowOf(at) === current) at += minuteMs;
  return Math.max(1, at - now);
}
