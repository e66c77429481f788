import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarDayIn } from '../../server/src/clock.js';
import { RateLimiter, type RateRule } from '../../server/src/kv/rate-limiter.js';
import { backends, type OpenBackend } from '../support/backends.js';
import { ManualClock, randomIp } from '../support/test-app.js';

const rule: RateRule = { name: 'test:attempts', limit: 3, windowMs: 60_000 };

describe.each(backends)('rate limiter ($name)', (backend) => {
  const clock = new ManualClock();
  let stores: OpenBackend;
  let limiter: RateLimiter;
  beforeAll(async () => {
    stores = await backend.open(clock);
    limiter = new RateLimiter(stores.kv, clock);
  });
  afterAll(() => stores.close());

  /** Counts one hit; whether it was allowed. */
  const hit = async (counted: RateRule, subject: string) => (await limiter.count(counted, subject)).allowed;

  /** How many hits the window still allows the subject now (counting them, so call it last). */
  async function hitsLeft(subject: string): Promise<number> {
    let allowed = 0;
    while (await hit(rule, subject)) allowed++;
    return allowed;
  }

  it('allows the limit in any window, not twice it across the clock’s boundary', async () => {
    const subject = randomIp();
    clock.advanceToNext(rule.windowMs, rule.windowMs - 10);
    expect(await hitsLeft(subject)).toBe(rule.limit);
    clock.advance(20);
    expect(await limiter.reached(rule, subject)).toBe(true);
    expect(await hit(rule, subject)).toBe(false);
    // A window after the first hits they are gone; the refused ones were never kept.
    clock.advance(rule.windowMs - 20);
    expect(await limiter.reached(rule, subject)).toBe(false);
    expect(await hitsLeft(subject)).toBe(rule.limit);
  });

  it('lets each hit go a window after it came, one by one', async () => {
    const subject = randomIp();
    for (let i = 0; i < rule.limit; i++) {
      expect(await hit(rule, subject)).toBe(true);
      clock.advance(1000);
    }
    expect(await hit(rule, subject)).toBe(false);
    // The first hit came limit seconds ago: a window after it, one hit is free again, not all.
    clock.advance(rule.windowMs - rule.limit * 1000 + 1);
    expect(await hitsLeft(subject)).toBe(1);
  });

  it('says of a refused hit how long until one more is allowed: when the oldest leaves the window', async () => {
    const subject = randomIp();
    for (let i = 0; i < rule.limit; i++) {
      expect(await hit(rule, subject)).toBe(true);
      clock.advance(1000);
    }
    // The oldest hit came 3 s ago.
    expect(await limiter.count(rule, subject)).toMatchObject({
      allowed: false,
      retryAfterMs: rule.windowMs - 3000,
    });
    clock.advance(rule.windowMs - 3000 - 1);
    expect(await limiter.count(rule, subject)).toMatchObject({ allowed: false, retryAfterMs: 1 });
    clock.advance(1);
    expect(await limiter.count(rule, subject)).toMatchObject({ allowed: true });
    expect((await limiter.count(rule, subject)).allowed).toBe(false);
  });

  it('says of a refused hit of a daily cap how long until the users’ next midnight, never less', async () => {
    const daily: RateRule = {
      name: 'test:daily',
      limit: 1,
      windowMs: 25 * 3_600_000,
      windowOf: calendarDayIn('Asia/Shanghai'),
    };
    const subject = randomIp();
    // 23:59:30 in Shanghai (UTC+8): its midnight is 30 s away.
    clock.advanceToNext(86_400_000, 16 * 3_600_000 - 30_000);
    expect(await hit(daily, subject)).toBe(true);
    const refused = await limiter.count(daily, subject);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThanOrEqual(30_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(90_000);
    clock.advance(30_000);
    expect(await hit(daily, subject)).toBe(true);
  });

  it('gives a refunded hit back, and takes nothing for a refused one', async () => {
    const subject = randomIp();
    await hit(rule, subject);
    const refunded = await limiter.count(rule, subject);
    await limiter.refund(refunded);
    expect(await hitsLeft(subject)).toBe(rule.limit - 1);
    const refused = await limiter.count(rule, subject);
    expect(refused.allowed).toBe(false);
    await limiter.refund(refused);
    expect(await hit(rule, subject)).toBe(false);
  });

  it('takes a calendar window’s refund from the window the hit was counted in, not the one it arrives in', async () => {
    const subject = randomIp();
    const daily: RateRule = { ...rule, windowOf: (now) => String(Math.floor(now / rule.windowMs)) };
    // The hit falls in the last instant of a window, its refund in the first of the next.
    clock.advanceToNext(rule.windowMs, rule.windowMs - 1);
    const counted = await limiter.count(daily, subject);
    expect(counted.allowed).toBe(true);
    clock.advance(1);
    await limiter.refund(counted);
    let allowed = 0;
    while (await hit(daily, subject)) allowed++;
    expect(allowed).toBe(rule.limit);
  });
});
