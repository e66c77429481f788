/** Money is integer fen everywhere in the service; operators read and type yuan. */

/** 12345 → "123.45" (always two decimals, thousands not grouped so it can be copied back). */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * "123.45" → 12345, by string arithmetic so no float rounding creeps in; null when the text is
 * not a positive amount with at most two decimals.
 */
export function fenOf(text: string): number | null {
  const match = /^(\d{1,11})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return fen > 0 ? fen : null;
}
