import { yuanTextToFen } from '../../fields.js';

/**
 * Translators from the loose values legacy clients send (numbers as strings, empty strings for
 * "not given") into the typed input of a procedure. They translate only: a value they cannot
 * translate is passed through unchanged, and the procedure's zod schema refuses it with a field
 * error. Their declared types are the translated ones, which is what the procedures expect.
 */

export type LegacyFields = Record<string, unknown>;

/**
 * Not given: nothing, or an empty or blank string. Forms post an untouched box as `""`, and the
 * deployed client's "all" tab posts `bill: " "` (CONTRACT.md §4: such a filter means no filter).
 */
const isAbsent = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** A text field: strings as given, numbers as their decimal text, nothing for absent. */
export function text(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return (value === null ? undefined : value) as string;
}

/** A text filter: absent or blank means "do not filter". */
export const optionalText = (value: unknown): string | undefined =>
  isAbsent(value) ? undefined : text(value);

/** An integer field: `12` or `"12"`; absent stays undefined. */
export function integer(value: unknown): number {
  if (isAbsent(value)) return undefined as unknown as number;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return value as number;
}

/** Picks the first field that is present among its accepted names (legacy aliases). */
export function firstOf(fields: LegacyFields, ...names: string[]): unknown {
  for (const name of names) if (!isAbsent(fields[name])) return fields[name];
  return undefined;
}

/**
 * Maps a legacy enumeration onto the typed value. Clients send the code (`1`, `"2"`) or, from
 * free-text boxes, the label the user reads (`独立核算`): both are accepted (CONTRACT.md §4).
 * Absent, and `0` where 0 is no code of the enumeration, mean "not given".
 */
export function enumCode<T extends string | boolean>(
  value: unknown,
  byCode: Readonly<Record<number, T>>,
  labels?: Readonly<Record<string, T>>,
): T {
  const code = integer(value);
  if (code === undefined) return undefined as unknown as T;
  if (typeof code === 'number' && byCode[code] !== undefined) return byCode[code];
  if (code === 0) return undefined as unknown as T;
  const label = typeof value === 'string' ? value.trim() : undefined;
  return (label !== undefined && labels && Object.hasOwn(labels, label) ? labels[label] : value) as T;
}

/** A `0`/`1` filter (`pay`, `suan`, `bill`), by code or by its two labels; absent means no filter. */
export const flagCode = (value: unknown, labels: { readonly no: string; readonly yes: string }): boolean =>
  enumCode<boolean>(value, { 0: false, 1: true }, { [labels.no]: false, [labels.yes]: true });

/** Yuan as a number or string with at most two decimals (`100`, `"100.5"`) into integer fen; else passed through. */
export function yuanToFen(value: unknown): number {
  if (isAbsent(value)) return undefined as unknown as number;
  const yuan = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return (typeof yuan === 'string' ? (yuanTextToFen(yuan) ?? value) : value) as number;
}

/** Fen back into the yuan number legacy clients `parseFloat` and `toFixed`. */
export const fenToYuan = (fen: number) => fen / 100;

/** A list field: a real array, a comma-joined string (`"2,5,7"`) or a single value. */
export function commaList(value: unknown): string[] {
  if (isAbsent(value)) return [];
  if (Array.isArray(value)) return value.map((item) => text(item));
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  return [text(value)];
}

/** An id list (`"2,5,7"`, `[2, 5]`, `7`) into integers; what is not an integer passes through. */
export const idList = (value: unknown): number[] => commaList(value).map(integer);

/** Cascader fields (`address`, `zhusuo`) arrive as arrays and are stored comma-joined. */
export function joinedText(value: unknown): string {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')
    ? value.join(',')
    : text(value);
}
