import { describe, expect, it } from 'vitest';
import { fenOf, yuan } from '../../console/src/money.js';

describe('the console reads and writes yuan as integer fen', () => {
  it('shows fen as yuan with two decimals, signs kept', () => {
    expect(yuan(0)).toBe('0.00');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(123_450)).toBe('1234.50');
    expect(yuan(-3050)).toBe('-30.50');
    expect(yuan(100_000_000_000)).toBe('1000000000.00');
  });

  it('takes typed amounts without float rounding', () => {
    expect(fenOf('100')).toBe(10_000);
    expect(fenOf(' 30.5 ')).toBe(3050);
    expect(fenOf('0.01')).toBe(1);
    expect(fenOf('19.99')).toBe(1999);
    expect(fenOf('1.10')).toBe(110);
  });

  it('refuses what is not a positive amount of at most two decimals', () => {
    for (const text of ['', '0', '0.00', '-1', '1.234', '1e3', '1,000', '¥10', 'abc', '.5', '1.']) {
      expect(fenOf(text), text).toBeNull();
    }
  });
});
