import { z } from 'zod';
import { errorTable } from '../../errors.js';
import * as fields from '../../fields.js';

/** A user keeps at most this many entries in each resume list. */
export const maxEntriesPerList = 100;

/**
 * And at most this many characters of text in each list, all its entries' fields together.
 * Anyone may read anyone's resume (`resume.ofUser`, no login), and each field alone allows 5000
 * characters: 100 entries of them made one resume an answer of megabytes, read and serialized again
 * for every anonymous GET, and ten of them in one batched GET ten times that. This cap keeps
 * the whole resume under ~0.5 MB (three lists of long text, skills are short by their fields)
 * while leaving far more room than a real resume needs (50,000 characters is some 40 pages).
 */
export const maxTextPerList = 50_000;

const name = fields.text(100).min(1);
const shortText = (max: number) => fields.text(max).default('');
const longText = fields.multilineText(5000).default('');
const date = fields.calendarDate;

/**
 * An http(s) address, or nothing. One typed without its scheme (`github.com/me`, `www.example.cn`),
 * as people write addresses, is taken as http: refused, it was a portfolio the user could not save.
 */
const link = fields
  .text(255)
  .overwrite((value) => (hostFirst.test(value) ? `http://${value}` : value))
  .refine((value) => value === '' || isHttpUrl(value), { message: 'Must be an http(s) URL' })
  .default('');

/** A host name with a dot (and maybe a port and a path), no scheme: an address as typed. */
const hostFirst =
  /^[a-z\d](?:[a-z\d-]*[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]*[a-z\d])?)+(?::\d{1,5})?(?:[/?#]\S*)?$/i;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The fields of an entry of each list, as the typed API names them. */
export const projectFields = {
  name,
  type: shortText(100),
  link,
  keyFeatures: longText,
  description: longText,
  responsibilities: longText,
};

export const skillFields = {
  name,
  /** 1 (basic) to 5 (expert). */
  score: z.number().int().min(1).max(5),
};

export const jobFields = {
  begin: date,
  end: date,
  company: name,
  title: name,
  description: longText,
};

export const educationFields = {
  begin: date,
  end: date,
  school: name,
  major: shortText(100),
  degree: shortText(100),
  description: longText,
};

/**
 * A period ends no earlier than it begins. The issue names its error code, so the legacy door can
 * show that code's Chinese message instead of a generic "invalid".
 */
export function endNotBeforeBegin<Schema extends z.ZodType<object>>(schema: Schema) {
  return schema.refine(endsNotBeforeBegin, {
    path: ['end'],
    message: errorTable.END_BEFORE_BEGIN.en,
    params: { appCode: 'END_BEFORE_BEGIN' },
  });
}

/** False for an entry whose end comes before its begin; true for any other, with a period or not. */
export function endsNotBeforeBegin(value: object): boolean {
  const { begin, end } = value as { begin?: unknown; end?: unknown };
  return !(begin instanceof Date && end instanceof Date) || end.getTime() >= begin.getTime();
}

/** What every stored entry carries besides its fields. */
export const ownership = {
  id: z.number().int(),
  /** The user the entry belongs to. */
  userId: z.number().int(),
};
