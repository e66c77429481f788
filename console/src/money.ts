/** Money is integer fen everywhere in the service; operators read and type yuan. */

/**
 * The most one credit or withdrawal may move: the service's own cap on an amount (`priceFen` in
 * server/src/features/demands/demand.schemas.ts; tests/console/money.test.ts keeps the two equal).
 * Checked here too, so an operator reads why instead of the service's bare 参数错误.
 */
export const maxAmountFen = 100_000_000_000;

/** 12345 → "123.45" (always two decimals, thousands not grouped so it can be copied back). */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Typed yuan read as fen, or why it is not an amount, in words an operator acts on. */
export type YuanReading = { readonly fen: number } | { readonly problem: string };

const notANumber = '请输入半角数字金额，例如 100 或 19.99（不要输入逗号、货币符号或科学计数法）';
const notPositive = '金额必须大于 0';

/**
 * "123.45" → 12345, by string arithmetic so no float rounding creeps in. Only a plain positive
 * amount of at most two decimals is taken (spaces around it aside); anything else is refused with
 * its reason, never rounded: "1.234" is not 1.23, "1,000" not 1000, "1e3" not 1000.
 */
export function readYuan(text: string): YuanReading {
  const typed = text.trim();
  if (typed === '') return { problem: '请输入金额' };
  if (typed.startsWith('-')) return { problem: notPositive };
  const match = /^(\d*)(\.(\d*))?$/.exec(typed);
  if (!match) return { problem: notANumber };
  const [, whole = '', dot, decimals = ''] = match;
  if (whole === '' || (dot !== undefined && decimals === '')) {
    return { problem: '请输入完整的金额，例如 0.50 或 5.00' };
  }
  if (decimals.length > 2) return { problem: '金额最多两位小数（精确到分）' };
  // Leading zeros aside, more digits than the cap has are refused before Number() could lose any.
  const digits = whole.replace(/^0+(?=\d)/, '');
  const fen =
    digits.length > 10 ? Number.POSITIVE_INFINITY : Number(digits) * 100 + Number(decimals.padEnd(2, '0'));
  if (fen === 0) return { problem: notPositive };
  if (fen > maxAmountFen) return { problem: `单笔金额不能超过 ¥${yuan(maxAmountFen)}` };
  return { fen };
}

/** The fen of a typed amount, or null when `readYuan` refuses it. */
export function fenOf(text: string): number | null {
  const reading = readYuan(text);
  return 'fen' in reading ? reading.fen : null;
}
