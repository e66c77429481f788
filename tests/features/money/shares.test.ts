import { describe, expect, it } from 'vitest';
import { splitEvenly } from '../../../server/src/features/money/shares.js';

describe('splitEvenly', () => {
  it('gives the remainder fen to the earliest recipients', () => {
    expect(splitEvenly(10_001, 2)).toEqual([5001, 5000]);
    expect(splitEvenly(10_001, 3)).toEqual([3334, 3334, 3333]);
    expect(splitEvenly(1, 3)).toEqual([1, 0, 0]);
    expect(splitEvenly(500, 0)).toEqual([]);
  });

  it('always adds up to the amount, shares differing by at most one fen, larger first', () => {
    for (let i = 0; i < 2000; i++) {
      const total = Math.floor(Math.random() * 100_000_000_000);
      const count = 1 + Math.floor(Math.random() * 100);
      const shares = splitEvenly(total, count);
      expect(shares).toHaveLength(count);
      expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      expect([...shares].sort((a, b) => b - a)).toEqual(shares);
    }
  });
});
