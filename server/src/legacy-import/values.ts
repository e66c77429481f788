import * as fields from '../fields.js';
import { parseLegacyDate } from '../legacy/codecs/dates.js';
import { FloatValue, hundredthsOfFloat } from './float-values.js';
import type { OldRow } from './source.js';

/*
 * Reading old columns. The old database is MySQL 5 era ThinkPHP: times are unix seconds, money is
 * yuan in DECIMAL or FLOAT columns, flags are 0/1, file fields comma-joined URLs. Anything that
 * does not read as what the notes say refuses its row with the reason (LEGACY-DB.md: never guess).
 */

/** Thrown while mapping one old row: the row is not imported and the reason is reported. */
export class RowRefused extends Error {}

export function refuse(reason: string): never {
  throw new RowRefused(reason);
}

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** A whole number column (ids, types, counts); digit strings are read too (old varchar columns). */
export function int(row: OldRow, column: string): number {
  const value = row[column];
  return (
    wholeNumberOf(value) ??
    refuse(value === null ? `${column} is empty (NULL)` : `${column} is not a whole number: ${show(value)}`)
  );
}

/** A value as `int` reads it, or null when it is no whole number. */
function wholeNumberOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return null;
}

/**
 * An id column's value as the rows read it (`int`), for finding the rows that share one: ` 5` and
 * `05` in a varchar column are both user 5, which MySQL's `group by` keeps apart. Null for none.
 */
export function idKey(value: unknown): string | null {
  const id = wholeNumberOf(value);
  return id === null ? null : String(id);
}

/** A whole number column where NULL or an empty string mean "not given". */
export function intOrNull(row: OldRow, column: string): number | null {
  const value = row[column];
  return value === null || value === undefined || value === '' ? null : int(row, column);
}

/** A code column that must hold one of the known codes. */
export function code<C extends number>(row: OldRow, column: string, known: readonly C[]): C {
  const value = int(row, column);
  const found = known.find((c) => c === value);
  return found ?? refuse(`${column} has no known meaning: ${value}`);
}

/** A 0/1 flag. */
export const flag = (row: OldRow, column: string): 0 | 1 => code(row, column, [0, 1] as const);

/**
 * Text as stored, at most `max` characters (as the new column counts them, by code point). NULL
 * reads as empty: ThinkPHP forms leave unset text columns NULL or '' alike.
 */
export function text(row: OldRow, column: string, max: number): string {
  const value = row[column];
  if (value === null || value === undefined) return '';
  const string = typeof value === 'string' ? value : String(value);
  let length = 0;
  for (const _ of string) length++;
  return length <= max ? string : refuse(`${column} is longer than ${max} characters (${length})`);
}

/**
 * Text whose surrounding whitespace means nothing (ID numbers, URLs, tokens): trimmed, then
 * measured, so an 18-character ID number typed with a trailing space still fits its column.
 */
export function trimmedText(row: OldRow, column: string, max: number): string {
  const value = row[column];
  return text({ [column]: typeof value === 'string' ? value.trim() : value }, column, max);
}

/** Text for a TEXT column, which MySQL measures in bytes: at most 65,535 of UTF-8. */
export function longText(row: OldRow, column: string): string {
  const string = text(row, column, 65_535);
  const bytes = Buffer.byteLength(string, 'utf8');
  return bytes <= 65_535 ? string : refuse(`${column} is longer than 65,535 bytes (${bytes})`);
}

/**
 * The first second of the year 2100 (UTC). No old time can lie past it: a larger value in a column
 * of unix seconds is almost always a time in milliseconds (13 digits: 1700000000000), which read
 * as seconds is a date tens of thousands of years ahead. It is refused, not divided by 1000: the
 * notes say seconds, and which rows were written otherwise is for the operator to find out.
 */
const year2100Seconds = 4_102_444_800;

/** Why unix `seconds` cannot be an old time, or undefined when they can. */
function timeRefusal(column: string, seconds: number): string | undefined {
  if (seconds < 0) return `${column} is a negative time: ${seconds}`;
  if (seconds >= year2100Seconds) return `${column} is a time past the year 2100: ${seconds} (milliseconds?)`;
  return undefined;
}

/** Unix seconds as unix ms; 0 stays 0 (the old pages showed 1970 for it too). */
export function unixMs(row: OldRow, column: string): number {
  const seconds = int(row, column);
  const reason = timeRefusal(column, seconds);
  return reason === undefined ? seconds * 1000 : refuse(reason);
}

/** A time that may be absent (0 or NULL): null then. */
export function unixMsOrNull(row: OldRow, column: string): number | null {
  const seconds = intOrNull(row, column);
  return seconds === null || seconds === 0 ? null : unixMs(row, column);
}

/**
 * Yuan as integer fen, exactly: DECIMAL columns arrive as strings, DOUBLE ones as the number MySQL
 * printed, either read digit by digit; FLOAT ones as the exact float (float-values.ts), taken when
 * it stands for one amount of fen. More than two decimals, a negative amount, a FLOAT that cannot
 * tell the fen apart or anything else is refused. `empty` is what NULL means, when it may mean
 * anything.
 */
export function fen(row: OldRow, column: string, empty?: number): number {
  const value = row[column];
  if ((value === null || value === undefined || value === '') && empty !== undefined) return empty;
  const fenValue = yuanToFen(value);
  if (fenValue !== null) return fenValue;
  if (/^\s*-/.test(String(value))) return refuse(`${column} is negative: ${show(value)}`);
  if (value instanceof FloatValue) return refuse(floatRefusal(column, value, 'yuan'));
  return refuse(`${column} is no amount of yuan with at most 2 decimals: ${show(value)}`);
}

/** Why a FLOAT column's value is no amount with at most 2 decimals of `unit`. */
function floatRefusal(column: string, value: FloatValue, unit: string): string {
  const reading = hundredthsOfFloat(value.exact);
  if (reading.kind === 'ambiguous') {
    const [a, b] = reading.neighbours.map(fields.hundredthsText);
    return `${column} is a FLOAT holding ${value.exact}, which ${a} and ${b} ${unit} are both stored as: the amount cannot be told`;
  }
  return `${column} is no amount of ${unit} with at most 2 decimals: ${value.exact} (a FLOAT column)`;
}

/** The same for a column that may be empty (NULL or ''): null then. */
export function fenOrNull(row: OldRow, column: string): number | null {
  const value = row[column];
  return value === null || value === undefined || value === '' ? null : fen(row, column);
}

/** Yuan (string or number) as fen, or null when it is not an amount with at most two decimals. */
export function yuanToFen(value: unknown): number | null {
  if (value instanceof FloatValue) {
    const reading = hundredthsOfFloat(value.exact);
    return reading.kind === 'exact' && reading.hundredths >= 0 ? reading.hundredths : null;
  }
  const written = typeof value === 'number' ? numberText(value) : typeof value === 'string' ? value : '';
  const fenValue = fields.yuanTextToFen(withoutTrailingZeros(written.trim()));
  return fenValue !== null && Number.isSafeInteger(fenValue) ? fenValue : null;
}

/** `12.3400` → `12.34`, `100.00` → `100`: a DECIMAL(10,4) column's zeros change no amount. */
const withoutTrailingZeros = (written: string) =>
  written.includes('.') ? written.replace(/0+$/, '').replace(/\.$/, '') : written;

/** A JS number as MySQL would print it, without exponent notation for small values. */
function numberText(value: number): string {
  if (!Number.isFinite(value)) return 'NaN';
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(20) : text;
}

/**
 * Registered capital in 万元 (ten thousand yuan) as fen: exact up to six decimals of 万元, or two
 * from a FLOAT column (what the legacy door takes, and what a float tells apart up to 131,072 万元).
 * NULL or '' is "not given".
 */
export function wanYuanFenOrNull(row: OldRow, column: string): number | null {
  const value = row[column];
  if (value === null || value === undefined || value === '') return null;
  const fen = fields.wanYuanTextToFen(withoutTrailingZeros(wanYuanText(column, value).trim()));
  return fen ?? refuse(`${column} is no amount of 万元 with at most 6 decimals: ${show(value)}`);
}

/** The digits of a 万元 amount; a FLOAT's when it stands for one amount with at most 2 decimals. */
function wanYuanText(column: string, value: unknown): string {
  if (!(value instanceof FloatValue)) return typeof value === 'number' ? numberText(value) : String(value);
  const reading = hundredthsOfFloat(value.exact);
  return reading.kind === 'exact'
    ? fields.hundredthsText(reading.hundredths)
    : refuse(floatRefusal(column, value, '万元'));
}

/** Longest old URL the import records (`legacy_files.url` is varchar(2000)). */
const maxUrlLength = 2000;

/**
 * Whether an old URL can name a file: a path, or an http(s) address. One with another scheme
 * (`javascript:`, `data:`) is no file of the old site, and would run or embed what it holds where a
 * client or the console shows it as a link.
 */
export function isWebAddress(url: string): boolean {
  // Browsers drop spaces and control characters around and inside a scheme (` java\tscript:` runs).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: those characters are what is removed
  return !/^(?!https?:)[a-z][a-z0-9+.-]*:/i.test(url.replace(/[\u0000-\u0020]/g, ''));
}

/** A comma-joined URL list as its items, trimmed, empties dropped. */
export function urlList(row: OldRow, column: string): string[] {
  const urls = text(row, column, 100_000)
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  // Every URL is recorded in legacy_files: a longer one would fail the batch's insert, not the row.
  for (const url of urls) {
    if ([...url].length > maxUrlLength)
      refuse(`${column} names a URL longer than ${maxUrlLength} characters`);
    if (!isWebAddress(url)) refuse(`${column} names no web address: ${show(url)}`);
  }
  return urls;
}

/**
 * A mainland mobile number as the service stores it (11 digits), or null. Old phones were typed by
 * hand and by admins: spaces or dashes between the digits and a +86 / 0086 / 86 country prefix
 * change no number, so they are read away; anything else is no mobile number. The import finds
 * the accounts sharing a phone by this reading too (not by MySQL's trim(), which leaves tabs and
 * line breaks), or two of them would reach the new unique index.
 */
export function mobileOf(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const digits = fields.phoneAsWritten(String(value));
  return fields.phone.safeParse(digits).success ? digits : null;
}

/** A mainland mobile number, as the service requires of every account (read as `mobileOf` reads it). */
export function phone(row: OldRow, column: string): string {
  const value = text(row, column, 100).trim();
  return mobileOf(value) ?? refuse(`bad phone ${show(value)}`);
}

/**
 * A period given as comma-joined times (`jtime`: from, to) in any legacy time format, read as the
 * legacy door reads it. Empty gives no period.
 */
export function period(row: OldRow, column: string, timeZone: string): [number | null, number | null] {
  const parts = text(row, column, 1000)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length > 2) return refuse(`${column} has more than two times: ${show(row[column])}`);
  const times = parts.map((part) => {
    // Digits are unix seconds (as the legacy door reads them): past 2100 they are milliseconds.
    const reason = /^\d+$/.test(part) ? timeRefusal(column, Number(part)) : undefined;
    if (reason !== undefined) refuse(reason);
    const date = parseLegacyDate(part, timeZone);
    return date instanceof Date && !Number.isNaN(date.getTime())
      ? date.getTime()
      : refuse(`${column} is no time: ${show(part)}`);
  });
  return [times[0] ?? null, times[1] ?? null];
}

/** The bidirectional overrides and isolates new text refuses (fields.ts). */
const bidiControls = /[\u202a-\u202e\u2066-\u2069]/g;
/** Either kind, tested first (no `g`: a test keeps no state); most rows hold neither and pass on as they are. */
const bidiOrInvisible = new RegExp(`${bidiControls.source}|${fields.invisibleSpaces.source}`);

export const bidiControlsNote =
  'bidirectional controls (U+202A–202E, U+2066–2069) taken out of its text, as new input refuses them';
export const invisibleSpacesNote =
  'zero-width spaces, word joiners or byte order marks (U+200B, U+2060, U+FEFF) taken out of its text, as new input drops them';

/**
 * The rows with what new text may not hold taken out, each row that held some noted once per
 * kind. The old forms took both kinds, and neither draws anything, so no text a user sees is lost:
 * - bidirectional overrides and isolates, which new input refuses: one at the end of a name turned
 *   the ID number shown after it around on the console's review card;
 * - invisible spaces, which new one-line input drops (fields.ts): kept, an old title `视频\u200b剪辑`
 *   is not found by a search for 视频剪辑. Taken out of every column, descriptions too, since the
 *   import does not tell one-line from multi-line text here.
 */
export function withoutInvisibleControls(
  rows: readonly OldRow[],
  note: (text: string, id: number) => void,
): readonly OldRow[] {
  return rows.map((row) => {
    if (!Object.values(row).some((value) => typeof value === 'string' && bidiOrInvisible.test(value)))
      return row;
    const kinds = new Set<string>();
    const cleaned = Object.entries(row).map(([column, value]) => {
      if (typeof value !== 'string') return [column, value];
      const withoutBidi = value.replace(bidiControls, '');
      if (withoutBidi !== value) kinds.add(bidiControlsNote);
      const withoutInvisible = withoutBidi.replace(fields.invisibleSpaces, '');
      if (withoutInvisible !== withoutBidi) kinds.add(invisibleSpacesNote);
      return [column, withoutInvisible];
    });
    for (const kind of kinds) note(kind, Number(row.id));
    return Object.fromEntries(cleaned);
  });
}
