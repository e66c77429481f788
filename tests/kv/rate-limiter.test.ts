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

  /** How many hits the current window still allows the subject (counting them, so call it last). */
  async function hitsLeft(subject: string): Promise<number> {
    let allowed = 0;
    while (await limiter.hit(rule, subject)) allowed++;
    return allowed;
  }

  it('gives a refunded hit back within its window', async () => {
    const subject = randomIp();
    clock.advanceToNext(rule.windowMs);
    await limiter.hit(rule, subject);
    const refunded = await limiter.count(rule, subject);
    await limiter.refund(refunded);
    expect(await hitsLeft(subject)).toBe(rule.limit - 1);
  });

  it('takes a refund back from the window the hit was counted in, not the one it arrives in', async () => {
    const subject = randomIp();
    // The hit falls in the last instant of a window, its refund in the first of the next.
    clock.advanceToNext(rule.windowMs, rule.windowMs - 1);
    const hit = await limiter.count(rule, subject);
    expect(hit.allowed).toBe(true);
    clock.advance(1);
    await limiter.refund(hit);
    expect(await hitsLeft(subject)).toBe(rule.limit);
  });
});
