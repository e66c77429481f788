import { z } from 'zod';

/** Building blocks for procedure inputs that several features share. */

// Control characters (NUL included) have no business in any text field of this service. Nor has
// half of a surrogate pair (`"\ud800"` in JSON), which is no character at all: the databases would
// store U+FFFD in its place (SQLite three of them), not what was sent. Nor have the bidirectional
// overrides and isolates (U+202A–202E, U+2066–2069): a name ending in U+202E showed the ID number
// beside it reversed on the review card (11010519491231002X read X20013219491501011).
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const noControlCharacters = /^[^\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069\p{Cs}]*$/u;

// Multi-line text keeps tabs and line breaks, nothing else below U+0020.
const noControlCharactersButLineBreaks =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\p{Cs}]*$/u;

/**
 * Characters that show nothing and join nothing: the zero-width space, the word joiner and the
 * zero-width no-break space (a byte order mark inside text). Text copied from a web page carries
 * them between words; kept, a title `网站\u200b开发` was not found by a search for 网站开发 that
 * looked like it, nor a name by the name its owner typed. The joiners that shape emoji and some
 * scripts (U+200C, U+200D) are kept.
 */
export const invisibleSpaces = /[\u200b\u2060\ufeff]/g;

/**
 * Single-line text with a length cap, trimmed. A tab in it is read as a space: text pasted from a
 * spreadsheet or a bank statement carries tabs (a browser's one-line box keeps them, and drops line
 * breaks), and was refused with a pattern no operator or user could read. Invisible spaces are
 * dropped (above). Other control characters, line breaks included, stay refused.
 */
export const text = (max: number) =>
  z
    .string()
    .overwrite((value) => value.replace(/\t+/g, ' ').replace(invisibleSpaces, ''))
    .trim()
    .max(max)
    .regex(noControlCharacters, { error: 'must not contain control characters' });

/**
 * Free text such as a description: line breaks allowed, other control characters (NUL) refused.
 * Forms send a textarea's line breaks as CRLF; they are kept as LF, whatever the encoding.
 */
export const multilineText = (max: number) =>
  z
    .string()
    .overwrite((value) => value.replace(/\r\n?/g, '\n'))
    .trim()
    .max(max)
    .regex(noControlCharactersButLineBreaks, { error: 'must not contain control characters' });

/** A mainland China mobile number: 1, then 3–9, then nine digits. */
export const phone = z.string().regex(/^1[3-9]\d{9}$/);

/**
 * A phone as people write it, read as its digits: spaces, dashes and a +86 / 0086 / 86 country
 * prefix change no number, nor do full-width digits (a Chinese input method's). Whether what is
 * left is a mobile number is `phone`'s to judge.
 */
export const phoneAsWritten = (text: string): string =>
  text
    .normalize('NFKC')
    .replace(/[\s-]/g, '')
    .replace(/^(?:\+|00)?86(?=1\d{10}$)/, '');

/**
 * New passwords: 6–64 printable ASCII characters. Letters, digits and symbols type the same on
 * every keyboard and input method, while other characters can arrive in different Unicode forms
 * from different devices and lock their owner out.
 */
export const password = z
  .string()
  .min(6)
  .max(64)
  .regex(/^[\x20-\x7e]*$/)
  // Spaces alone are no secret, and a form that trims its fields would log in with none.
  .refine((value) => value.trim() !== '', { error: 'must not be only spaces' });

export const smsCode = z.string().regex(/^\d{6}$/);

/** The largest id a row has: id columns are signed INT on MySQL. */
export const maxId = 2_147_483_647;

export const id = z.number().int().positive().max(maxId);

/**
 * A day a person's work or schooling can fall on, 1900-01-01 to 2099-12-31 in any zone. Unbounded,
 * a Date up to ±275,760 years would be kept, which no calendar (nor the legacy door's `YYYY-MM-DD`)
 * shows.
 */
export const calendarDate = z
  .date({ error: 'must be a valid date' })
  // Midnight of 1900-01-01 in the zone furthest ahead (UTC+14): the legacy door's `1900-01-01` is
  // that day's start in the display zone, hours before the day begins in UTC. The messages name
  // the days: zod's own names the bound in epoch milliseconds.
  .min(new Date('1899-12-31T10:00:00Z'), { error: 'must be on or after 1900-01-01' })
  .max(new Date('2100-01-01T00:00:00Z'), { error: 'must be on or before 2099-12-31' });

/** Which page of a list to read: 1-based, 15 rows by default, at most 100 (CONTRACT.md §4). */
export const pageRequest = {
  page: z.number().int().min(1).max(1_000_000).default(1),
  perPage: z.number().int().min(1).max(100).default(15),
};

/** One page of a list, with what a paginator needs to draw itself. */
export const pageOf = <Item extends z.ZodType>(item: Item) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    perPage: z.number().int(),
    lastPage: z.number().int(),
  });

export interface PageRequest {
  readonly page: number;
  readonly perPage: number;
}

const lastPageOf = (total: number, perPage: number) => Math.max(1, Math.ceil(total / perPage));

/** How many rows come before the requested page. */
export const offsetOf = (request: PageRequest) => (request.page - 1) * request.perPage;

/** One page of results in the shape `pageOf` declares. */
export const pageResult = <Item>(items: Item[], total: number, request: PageRequest) => ({
  items,
  total,
  page: request.page,
  perPage: request.perPage,
  lastPage: lastPageOf(total, request.perPage),
});

/**
 * Yuan written with at most two decimals (`100`, `100.5`, `0.01`) as integer fen, by string
 * arithmetic so no float rounding creeps in; null when the text is not such an amount.
 */
export function yuanTextToFen(yuan: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : null;
}

/**
 * Hundredths as decimal text with two decimals (fen as yuan: `10010` → `100.10`), by integer
 * arithmetic so no float rounding shows in a money line.
 */
export function hundredthsText(hundredths: number): string {
  const abs = Math.abs(hundredths);
  return `${hundredths < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * 万元 (ten thousand yuan, the old backend's unit of a registered capital) as integer fen: up to six
 * decimals, a fen's worth, so any amount of fen written in 万元 (`0.012345` is 123.45 yuan) reads
 * back exactly; null when the text is not such an amount.
 */
export function wanYuanTextToFen(wanYuan: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,6}))?$/.exec(wanYuan.trim());
  return match ? Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0')) : null;
}
