import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  /** How many hits the window still allows the subject now (counting them, so call it last). */
  async function hitsLeft(subject: string): Promise<number> {
    let allowed = 0;
    while (await limiter.hit(rule, subject)) allowed++;
    return allowed;
  }

  it('allows the limit in any window, not twice it across the clock’s boundary', async () => {
    const subject = randomIp();
    clock.advanceToNext(rule.windowMs, rule.windowMs - 10);
    expect(await hitsLeft(subject)).toBe(rule.limit);
    clock.advance(20);
    expect(await limiter.reached(rule, subject)).toBe(true);
    expect(await limiter.hit(rule, subject)).toBe(false);
    // A window after the first hits they are gone; the refused ones were never kept.
    clock.advance(rule.windowMs - 20);
    expect(await limiter.reached(rule, subject)).toBe(false);
    expect(await hitsLeft(subject)).toBe(rule.limit);
  });

  it('lets each hit go a window after it came, one by one', async () => {
    const subject = randomIp();
    for (let i = 0; i < rule.limit; i++) {
      expect(await limiter.hit(rule, subject)).toBe(true);
      clock.advance(1000);
    }
    expect(await limiter.hit(rule, subject)).toBe(false);
    // The first hit came limit seconds ago: a window after it, one hit is free again, not all.
    clock.advance(rule.windowMs - rule.limit * 1000 + 1);
    expect(await hitsLeft(subject)).toBe(1);
  });

  it('gives a refunded hit back, and takes nothing for a refused one', async () => {
    const subject = randomIp();
    await limiter.hit(rule, subject);
    const refunded = await limiter.count(rule, subject);
    await limiter.refund(refunded);
    expect(await hitsLeft(subject)).toBe(rule.limit - 1);
    const refused = await limiter.count(rule, subject);
    expect(refused.allowed).toBe(false);
    await limiter.refund(refused);
    expect(await limiter.hit(rule, subject)).toBe(false);
  });

  it('takes a calendar window’s refund from the window the hit was counted in, not the one it arrives in', async () => {
    const subject = randomIp();
    const daily: RateRule = { ...rule, windowOf: (now) => String(Math.floor(now / rule.windowMs)) };
    // The hit falls in the last instant of a window, its refund in the first of the next.
    clock.advanceToNext(rule.windowMs, rule.windowMs - 1);
    const hit = await limiter.count(daily, subject);
    expect(hit.allowed).toBe(true);
    clock.advance(1);
    await limiter.refund(hit);
    let allowed = 0;
    while (await limiter.hit(daily, subject)) allowed++;
    expect(allowed).toBe(rule.limit);
  });
});
