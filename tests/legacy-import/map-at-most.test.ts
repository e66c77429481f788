import { describe, expect, it } from 'vitest';
import { mapAtMost } from '../../server/src/legacy-import/map-at-most.js';

/** A promise with its resolve and reject at hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapAtMost', () => {
  it('runs at most the given number at once, starting the next as soon as one ends, answers in order', async () => {
    const waits = Array.from({ length: 6 }, () => deferred<void>());
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const answer = mapAtMost(2, [0, 1, 2, 3, 4, 5], async (i) => {
      started.push(i);
      most = Math.max(most, ++running);
      await waits[i]?.promise;
      running--;
      return i * 10;
    });
    await tick();
    expect(started).toEqual([0, 1]);
    // The second ends first: the third starts without waiting for the first (no chunks).
    waits[1]?.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    for (const wait of waits) wait.resolve();
    expect(await answer).toEqual([0, 10, 20, 30, 40, 50]);
    expect(most).toBe(2);
  });

  it('after a failure starts nothing new, and throws it once every started one has ended', async () => {
    const slow = deferred<void>();
    const started: number[] = [];
    let slowEnded = false;
    const answer = mapAtMost(2, [0, 1, 2, 3], async (i) => {
      started.push(i);
      if (i === 0) {
        await slow.promise;
        slowEnded = true;
        return i;
      }
      throw new Error(`failed ${i}`);
    });
    let settled = false;
    const outcome = answer.catch((error: Error) => error).finally(() => (settled = true));
    await tick();
    // 1 failed; 2 and 3 are never started, and the failure waits for 0.
    expect(started).toEqual([0, 1]);
    expect(settled).toBe(false);
    slow.resolve();
    expect(((await outcome) as Error).message).toBe('failed 1');
    expect(slowEnded).toBe(true);
    expect(started).toEqual([0, 1]);
  });
});
