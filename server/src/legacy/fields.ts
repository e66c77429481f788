import { maxId, phoneAsWritten, wanYuanTextToFen, yuanTextToFen } from '../fields.js';
import { parseLegacyDate } from './codecs/dates.js';
import type { LegacyEnum } from './enums.js';

/*
 * The fields of a legacy URL, declared as a table: each names the legacy field, the typed field its
 * value goes to, its Chinese label (seed/api.txt), its kind and its English description. The kind
 * translates the loose values legacy clients send (numbers as strings, `""` for "not given", comma
 * lists, yuan, unix seconds) and says so in the docs. Kinds only translate: a value a kind cannot
 * read is passed on unchanged, and the procedure's zod schema, the only judge, refuses it with a
 * message that names the field.
 */

/** What the request carried: query string and body merged (ThinkPHP `input()`). */
export type RawFields = Record<string, unknown>;

export interface LegacyField {
  /** The typed input field the value goes to. */
  readonly to: string;
  /** The Chinese name (seed/api.txt wording), for messages and the docs. */
  readonly label: string;
  readonly kind: FieldKind;
  /** English description, for the docs. */
  readonly en: string;
  readonly example?: unknown;
  /** Other names clients send the same field under; the first one present wins. */
  readonly aliases?: readonly string[];
}

/** The fields of one URL, by legacy name. */
export type LegacyFields = Readonly<Record<string, LegacyField>>;

export interface FieldKind {
  /** Names the kind in the docs (`x-legacy-encoding`). */
  readonly name: string;
  /** What clients may send, for the docs. */
  readonly accepts: string;
  decode(value: unknown, timeZone: string): unknown;
  /** Enumerations: the codes and labels accepted. */
  readonly enumeration?: LegacyEnum<string | boolean>;
  /** Lists of objects: the fields of each. */
  readonly items?: LegacyFields;
}

/** Nothing, or an empty or blank string: how forms say "not given". */
const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * A filter's value as a multi-select sends it, a list: none (or only blanks, a cleared select) is
 * not given, one is that value; several stay a list, for the schema to refuse (a filter is one value).
 */
const filterValue = (value: unknown): unknown => {
  if (!Array.isArray(value)) return value;
  const given = value.filter((item) => !isBlank(item));
  return given.length === 0 ? undefined : given.length === 1 ? given[0] : value;
};

const asText = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? String(value) : value === null ? undefined : value;

/** A decoder: the value as asText reads it, then `read` applied when that is text. */
const readText = (read: (text: string) => string) => (value: unknown) => {
  const text = asText(value);
  return typeof text === 'string' ? read(text) : text;
};

const trim = (text: string) => text.trim();

const asInteger = (value: unknown) => {
  if (isBlank(value)) return undefined;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return value;
};

const asFen = (value: unknown) => {
  if (isBlank(value)) return undefined;
  const yuan = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return typeof yuan === 'string' ? (yuanTextToFen(yuan) ?? value) : value;
};

/**
 * A list as an array, a comma-joined string or one value; `""` is the empty list. Blank items are
 * dropped from an array as from a string: a form's empty `file[]` box arrives as `[url, ""]`, and
 * must read like `"url,"`.
 */
const asList = (value: unknown): unknown[] | undefined => {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  return items
    .map((item) => (typeof item === 'string' ? item.trim() : item))
    .filter((item) => !isBlank(item));
};

/** A (from, to) pair whose first item is blank while a later one is not. */
const startLeftBlank = (value: unknown) => {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.length > 1 && isBlank(items[0]) && items.some((item) => !isBlank(item));
};

/** `"12"` → 12 inside file lists: an upload id (digits past any id stay text, naming no upload). */
const fileRefOf = (item: unknown) =>
  typeof item === 'string' && /^\d{1,10}$/.test(item.trim()) && Number(item) <= maxId
    ? Number(item)
    : typeof item === 'string'
      ? item.trim()
      : item;

/**
 * Arrays of objects arrive as JSON arrays, as a JSON string (multipart forms) or as bracket form
 * fields (`hehuo[0][hehuoren_name]=...`, which qs turns into an object past its index limit).
 */
function asObjects(value: unknown): unknown {
  let list = value;
  if (typeof list === 'string' && list.trim().startsWith('[')) {
    try {
      list = JSON.parse(list);
    } catch {
      return value;
    }
  }
  if (list && typeof list === 'object' && !Array.isArray(list)) {
    const keys = Object.keys(list);
    if (keys.length === 0 || !keys.every((key) => /^\d{1,4}$/.test(key))) return value;
    list = keys.sort((a, b) => Number(a) - Number(b)).map((key) => (list as RawFields)[key]);
  }
  return list;
}

export const kinds = {
  text: {
    name: 'text',
    accepts: 'Text; a number is taken as its digits.',
    decode: asText,
  },
  /**
   * Text whose surrounding spaces mean nothing (an email address, which the typed schema does not
   * trim): phone keyboards end an autocompleted address with a space, and a blank box is empty.
   */
  trimmed: {
    name: 'text',
    accepts: 'Text; surrounding spaces are dropped, so a blank box is empty.',
    decode: readText(trim),
  },
  /** A phone: read as people write it (fields.phoneAsWritten). */
  phone: {
    name: 'text',
    accepts: 'Text or a number; spaces, dashes, a +86 prefix and full-width digits are read away.',
    decode: readText(phoneAsWritten),
  },
  /**
   * An SMS code: six digits. Sent as a number, one starting with 0 lost it (058775 arrives as
   * 58775): a number is read back to its six digits.
   */
  smsCode: {
    name: 'text',
    accepts: 'The six digits, as text or a number (a number below 100000 had leading zeros).',
    decode: (value) =>
      typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1_000_000
        ? String(value).padStart(6, '0')
        : readText(trim)(value),
  },
  /**
   * A list's page, as ThinkPHP's paginator reads it: anything but a whole number from 1 up (0, -1,
   * `abc`) is page 1. Past the last page is an empty page, as there.
   */
  page: {
    name: 'integer',
    accepts:
      'A whole number from 1 to 1000000, as a number or text; anything but a whole number from 1 is page 1.',
    decode: (value) => {
      // Digits are a whole number however many there are (17 of them were once page 1).
      const page = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : asInteger(value);
      // Past 2^53 a number is no longer exact (past 309 digits, or 1e400, Infinity), and the schema
      // would call it no whole number (格式错误): it is past the last page all the same, and refused
      // as 1000001 is.
      if (page === Number.POSITIVE_INFINITY) return Number.MAX_SAFE_INTEGER;
      // 1.5 is no page whether it came as a number or as text.
      if (typeof page !== 'number' || !Number.isInteger(page) || page < 1) return undefined;
      return Math.min(page, Number.MAX_SAFE_INTEGER);
    },
  },
  /** A filter: blank, or an empty list, is no filter. */
  textFilter: {
    name: 'text',
    accepts: 'Text, or a list of one; empty, blank or an empty list means no filter.',
    decode: (value) => {
      const given = filterValue(value);
      return isBlank(given) ? undefined : asText(given);
    },
  },
  /** An ID number box: left empty, it is "not given", never "clear". */
  idNumber: {
    name: 'text',
    accepts: 'Text; empty means not given.',
    decode: (value) => (isBlank(value) ? undefined : asText(value)),
  },
  integer: {
    name: 'integer',
    accepts: 'An integer, as a number or its decimal text (`12` or `"12"`).',
    decode: asInteger,
  },
  yuan: {
    name: 'yuan',
    accepts: 'Yuan with at most two decimals, as a number or text (`100`, `"100.5"`); never negative.',
    decode: asFen,
  },
  /** `/user/goods/pay`: the client sends the row's `price`, 0 before anything is allocated. */
  yuanOrShare: {
    name: 'yuan',
    accepts: 'Yuan with at most two decimals, as a number or text; 0, empty or absent: the allocated share.',
    decode: (value) => asFen(value) || undefined,
  },
  /**
   * Six decimals, not two: a capital set in fen through the typed API reads here as up to six
   * decimals of 万元 (`0.012345`), and the client sends back what it read.
   */
  wanYuan: {
    name: 'wanYuan',
    accepts: '万元 (ten thousand yuan) with at most six decimals (one fen), as a number or text.',
    decode: (value) => {
      if (isBlank(value)) return undefined;
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      return typeof text === 'string' ? (wanYuanTextToFen(text) ?? value) : value;
    },
  },
  date: {
    name: 'date',
    accepts: 'Unix seconds, `YYYY-MM-DD`, `YYYY-MM-DD HH:mm:ss` (display time zone) or ISO 8601.',
    decode: (value, timeZone) => parseLegacyDate(value, timeZone),
  },
  dates: {
    name: 'dates',
    accepts: 'Dates (from, to) comma-joined or as an array, each in any format of a date field.',
    // A blank start before an end (`,2027-06-30`) is refused as sent: dropped like other blank
    // items, it would make the end the start.
    decode: (value, timeZone) =>
      startLeftBlank(value) ? value : asList(value)?.map((part) => parseLegacyDate(part, timeZone)),
  },
  idList: {
    name: 'idList',
    accepts: 'Ids comma-joined (`"2,5,7"`), one id, or an array.',
    decode: (value) => (isBlank(value) ? [] : asList(value)?.map((item) => asInteger(asText(item)))),
  },
  /** Upload URLs (demand attachments, application files and previews): absent keeps them, empty clears. */
  urls: {
    name: 'fileRefs',
    accepts: 'Uploads of this service by `url` or `id`, comma-joined or as an array; empty clears.',
    decode: (value) =>
      value === undefined || value === null ? undefined : isBlank(value) ? [] : asList(value)?.map(asText),
  },
  /** Verification images: absent keeps them, `""` clears them. */
  fileRefs: {
    name: 'fileRefs',
    accepts: 'Uploads of this service by `url` or `id`, comma-joined or as an array; empty clears.',
    decode: (value) => asList(value)?.map(fileRefOf),
  },
  /** The avatar: one upload; `""` (or a list of nothing) removes it, a JSON null is not given, as for text. */
  fileRef: {
    name: 'fileRef',
    accepts: 'An upload of this service: the `url` or the `id` the upload route answered; empty removes it.',
    decode: (value) => {
      const refs = asList(value);
      if (refs === undefined) return undefined;
      if (refs.length === 0) return null;
      return refs?.length === 1 ? fileRefOf(refs[0]) : value;
    },
  },
  /**
   * The delivered archive: one upload URL, or a list of one (antd's upload box sends a list). A
   * list of several is passed on as a list, for the route to refuse: cut to its first item, the
   * others were dropped under res 1.
   */
  fileUrl: {
    name: 'fileRef',
    accepts: 'One upload of this service: the `url` (or `id`) the upload route answered, or a list of one.',
    decode: (value) => {
      const items =
        Array.isArray(value) || (typeof value === 'string' && value.includes(','))
          ? asList(value)
          : undefined;
      if (items === undefined) return asText(value);
      return items.length > 1 ? items : asText(items[0]);
    },
  },
  /** Its blank parts are left out: `["", ""]` joined to `,` passed a required address as given. */
  cascader: {
    name: 'cascader',
    accepts: 'Text, or an array (antd cascader) joined with `,`, its blank parts left out.',
    decode: (value) =>
      Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')
        ? value.filter((part) => !isBlank(part)).join(',')
        : asText(value),
  },
  /** The file part of an upload form. */
  file: {
    name: 'file',
    accepts: 'A file part of a `multipart/form-data` body.',
    decode: (value) => value,
  },
} satisfies Record<string, FieldKind>;

/**
 * A number of an upsert (`/user/info/person`, `geti`), where an empty box clears the value as an
 * empty text box does; elsewhere a blank number is not given.
 */
export const clearable = (kind: FieldKind): FieldKind => ({
  ...kind,
  accepts: `${kind.accepts} Empty clears it.`,
  decode: (value, timeZone) =>
    typeof value === 'string' && value.trim() === '' ? null : kind.decode(value, timeZone),
});

/** An enumerated field, by code or by label (CONTRACT.md §4). */
export const enumKind = (enumeration: LegacyEnum<string | boolean>, options: { clearable?: boolean } = {}) =>
  ({
    name: 'code',
    accepts: `A code, as a number or text, or its label; ${options.clearable ? 'empty clears it' : 'blank means not given'}.`,
    decode: (value) => (options.clearable && value === '' ? null : enumeration.decode(value)),
    enumeration,
  }) satisfies FieldKind;

/** An enumerated filter: blank, or an empty list (a cleared multi-select), is no filter. */
export const enumFilter = (enumeration: LegacyEnum<string | boolean>) =>
  ({
    ...enumKind(enumeration),
    accepts:
      'A code, as a number or text, or its label, or a list of one; blank or an empty list means no filter.',
    decode: (value) => enumeration.decode(filterValue(value)),
  }) satisfies FieldKind;

/** A list of objects, each with its own fields (`hehuo[]`, the resume `/all` lists). An empty string is no items. */
export const objectsKind = (items: LegacyFields) =>
  ({
    name: 'objects',
    accepts: 'An array of objects: JSON, or bracket form fields (`name[0][field]=...`).',
    decode: (value, timeZone) => {
      if (value === '') return [];
      if (value === undefined || value === null) return undefined;
      const list = asObjects(value);
      return Array.isArray(list)
        ? list.map((item) =>
            item && typeof item === 'object' && !Array.isArray(item)
              ? decodeFields(items, item as RawFields, timeZone)
              : item,
          )
        : list;
    },
    items,
  }) satisfies FieldKind;

/** The value of a field under its name or the first alias present. */
function sentValue(raw: RawFields, name: string, field: LegacyField): unknown {
  const value = raw[name];
  if (!field.aliases || !isBlank(value)) return value;
  for (const alias of field.aliases) if (!isBlank(raw[alias])) return raw[alias];
  return value;
}

/** The procedure input the fields make of a request's raw fields; absent ones stay absent. */
export function decodeFields(
  fields: LegacyFields,
  raw: RawFields,
  timeZone: string,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const name in fields) {
    const field = fields[name] as LegacyField;
    const value = field.kind.decode(sentValue(raw, name, field), timeZone);
    if (value !== undefined) input[field.to] = value;
  }
  return input;
}

/** `page` and `limit` of every list (the ThinkPHP paginator, CONTRACT.md §4). */
export const pageFields = {
  page: { to: 'page', label: '页数', kind: kinds.page, en: 'Page number, from 1.', example: 1 },
  limit: {
    to: 'perPage',
    label: '每页条数',
    kind: kinds.integer,
    en: 'Rows per page: 15 unless given, at most 100.',
    example: 15,
  },
} satisfies LegacyFields;
