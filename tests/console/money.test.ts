import { describe, expect, it } from 'vitest';
import { fenOf, maxAmountFen, readYuan, yuan } from '../../console/src/money.js';
import { amountFen } from '../../server/src/features/money/money.schemas.js';

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
    expect(fenOf(' 5 ')).toBe(500);
    expect(fenOf('0.1')).toBe(10);
    expect(fenOf('0.01')).toBe(1);
    expect(fenOf('19.99')).toBe(1999);
    expect(fenOf('1.10')).toBe(110);
    expect(fenOf('0001.5')).toBe(150);
    expect(fenOf('1000000000')).toBe(100_000_000_000);
  });

  it('refuses what is not a positive amount of at most two decimals', () => {
    for (const text of [
      '',
      '0',
      '0.00',
      '-1',
      '1.234',
      '1e3',
      '1,000',
      '¥10',
      'abc',
      '.5',
      '1.',
      '１００',
      '99999999999',
    ]) {
      expect(fenOf(text), text).toBeNull();
    }
  });

  it('refuses an amount over the service cap in the dialog, however many digits it has', () => {
    // Without the check here, 11 digits went to the service as 9,999,999,999,900 fen and came back
    // as a bare 参数错误; 17 digits would have lost precision in Number().
    for (const text of ['1000000000.01', '99999999999', '12345678901234567', '9'.repeat(40)]) {
      expect(readYuan(text), text).toEqual({ problem: '单笔金额不能超过 ¥1000000000.00' });
    }
  });

  it("keeps the dialog's cap equal to the one the service enforces", () => {
    expect(amountFen.safeParse(maxAmountFen).success).toBe(true);
    expect(amountFen.safeParse(maxAmountFen + 1).success).toBe(false);
  });

  it('says in Chinese why a typed amount is refused', () => {
    expect(readYuan('')).toEqual({ problem: '请输入金额' });
    expect(readYuan('0')).toEqual({ problem: '金额必须大于 0' });
    expect(readYuan('-1')).toEqual({ problem: '金额必须大于 0' });
    expect(readYuan('1.234')).toEqual({ problem: '金额最多两位小数（精确到分）' });
    for (const text of ['5.', '.5']) {
      expect(readYuan(text), text).toEqual({ problem: '请输入完整的金额，例如 0.50 或 5.00' });
    }
    for (const text of ['1e3', '1,000', '¥10', '１００', '1 000']) {
      expect(readYuan(text), text).toMatchObject({ problem: expect.stringContaining('请输入半角数字金额') });
    }
  });
});
