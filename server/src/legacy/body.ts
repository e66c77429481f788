import { TextDecoder } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import qs from 'qs';
import { tooManyJsonValues } from '../http/body-limits.js';
import { FormFieldsTooLargeError, type FormWaitLimits, multipartParts } from '../http/multipart.js';
import type { RawFields } from './fields.js';

/**
 * Bracket nesting (`hehuo[0][hehuoren_name]=...`), repeated keys and `a[]=` become objects and
 * arrays: two levels, the contract's most, and 101 items, one past its longest list (the resume's
 * 100), so that list's own message (工作技能不能超过100条) still answers one too many. Past them qs's
 * merging of sparse arrays cost tens of milliseconds of CPU and, under load, a gigabyte of memory
 * for a 28 KB form anyone can send (999 fields `a[i][i][i][i][i]`; bench/README.md, "Hostile
 * bodies"): such a form is refused whole (400), and one of more than 1000 fields too (413), never
 * cut short.
 */
const qsOptions = {
  depth: 2,
  strictDepth: true,
  arrayLimit: 101,
  parameterLimit: 1000,
  throwOnLimitExceeded: true,
  allowPrototypes: false,
} as const;

function parseNested(input: string | Record<string, string>, options: qs.IParseOptions): RawFields {
  try {
    return qs.parse(input, options) as RawFields;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const tooMany = /parameter limit/i.test(error.message);
    throw Object.assign(new Error(`Form fields: ${error.message}`), { statusCode: tooMany ? 413 : 400 });
  }
}

/** A query string or urlencoded body as fields; throws (400) when an escape is not UTF-8 (`%C4%E3`, GBK). */
export const parseFormFields = (raw: string): RawFields => parseNested(raw, formOptions);

const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * A field's bytes keep a leading byte order mark as a character: dropped, `%EF%BB%BFname` read as
 * `name`, a field a proxy or filter in front saw under another name (a body's own mark is dropped).
 */
const utf8Field = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * One key or value of a form: `+` is a space and `%XX` escapes are UTF-8 bytes. A `%` that starts
 * no escape (`100%`) is kept as typed, as the old backend (PHP) kept it; escapes that are not UTF-8
 * are refused like a body that is not: read leniently, GBK's `%C4%E3` was stored as typed, `%C4%E3`.
 */
function decodeFormText(text: string): string {
  if (!/[%+]/.test(text)) return text;
  const decoded = textIn(formBytes(text, 'utf8'), utf8Field);
  if (decoded === undefined) throw notUtf8();
  return decoded;
}

/**
 * The bytes of form text: `+` a space, each `%XX` the byte it names, a `%` that starts no escape
 * itself, and every other character its bytes in `encoding`, rewritten in place in one pass. Each
 * stray `%`, `+` or escape once cost a call of its own: a megabyte of them took tens of times a
 * plain body's CPU, sent by anyone (bench/README.md, "Hostile bodies").
 */
function formBytes(text: string, encoding: 'utf8' | 'latin1'): Buffer {
  const bytes = Buffer.from(text, encoding);
  const end = bytes.length;
  // Never longer than the text's bytes: an escape's three bytes become one.
  let length = 0;
  for (let i = 0; i < end; i++) {
    const byte = bytes[i] as number; // i < end
    if (byte === percent && i + 2 < end) {
      const high = hexDigit(bytes[i + 1] as number);
      const low = hexDigit(bytes[i + 2] as number);
      if (high >= 0 && low >= 0) {
        bytes[length++] = high * 16 + low;
        i += 2;
        continue;
      }
    }
    bytes[length++] = byte === plus ? space : byte;
  }
  return bytes.subarray(0, length);
}

const percent = 0x25;
const plus = 0x2b;
const space = 0x20;

/** A hex digit's value, or -1. */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

const formOptions = { ...qsOptions, decoder: decodeFormText };

/**
 * The body as text of its charset (UTF-8 unless it declares another), or undefined when its bytes
 * are not (a form posted in GBK, said to be UTF-8): decoded leniently, each bad byte would be stored
 * as U+FFFD in place of what the client meant.
 */
function textIn(body: Buffer, charset: TextDecoder = utf8): string | undefined {
  try {
    return charset.decode(body);
  } catch {
    return undefined;
  }
}

const notUtf8 = () => Object.assign(new Error('The body is not UTF-8 text'), { statusCode: 400 });

/**
 * Chinese charsets a body may declare, read in theirs: read as UTF-8 whatever it said, an old
 * client's GBK was refused when its bytes were not UTF-8, and stored as mojibake, with success,
 * when they happened to be (小说 became С˵). Each keeps ASCII as ASCII, and no byte of a character
 * of theirs is a form's `&`, `=`, `%` or `+`, so a form can be split before it is decoded.
 */
const chineseCharsets = new Set(['gbk', 'gb18030', 'big5']);

/** A charset the service does not read: 400. */
const charsetRefusal = (why: string) => Object.assign(new Error(why), { statusCode: 400 });

/**
 * The decoder of the charset the body declares (`Content-Type: ...; charset=gbk`), or undefined for
 * UTF-8. The labels of ISO-8859-1 and ASCII, which HTTP libraries declare by default whatever
 * they send, read as UTF-8 too, as the old backend read every body. Any other charset is refused
 * (400): one that is no superset of ASCII (UTF-16) or drops bytes as it decodes (ISO-2022-JP's
 * escapes) would show this service other fields and values than a proxy or filter in front of it
 * saw, and so would two different charsets (the same one twice, as some relays send, is taken).
 */
function declaredCharset(contentType: string | undefined): TextDecoder | undefined {
  // Most bodies declare no parameter at all (`application/json`): nothing to read.
  if (!contentType?.includes(';')) return undefined;
  // By the encoding each label reads as: `utf-8` and `latin1` name the same reading.
  const decoders = new Map<string, TextDecoder | undefined>();
  for (const label of charsetLabelsOf(contentType)) {
    // Most clients say UTF-8: known without making a decoder.
    if (/^utf-?8$/i.test(label)) {
      decoders.set('utf-8', undefined);
      continue;
    }
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      throw charsetRefusal(`Unknown charset ${JSON.stringify(label)}`);
    }
    if (readAsUtf8.has(decoder.encoding)) decoders.set('utf-8', undefined);
    else if (chineseCharsets.has(decoder.encoding)) decoders.set(decoder.encoding, decoder);
    else throw charsetRefusal(`Unsupported charset ${JSON.stringify(label)}`);
  }
  if (decoders.size > 1) throw charsetRefusal(`Charsets that differ: ${[...decoders.keys()].join(', ')}`);
  return decoders.values().next().value;
}

/** What UTF-8 and the labels of ISO-8859-1 and ASCII (all `windows-1252` to a TextDecoder) read as. */
const readAsUtf8 = new Set(['utf-8', 'windows-1252']);

/**
 * The `charset` parameters of a Content-Type, empty ones left out. Read leniently, as clients write
 * them (spaces around `=`, a parameter without a value beside it), but a quoted value is one value:
 * `charset=` inside another parameter's quotes names nothing. A strict RFC parser gives up on such
 * a header and drops its charset with it: `charset=utf-16le; x` read as UTF-8.
 */
function charsetLabelsOf(contentType: string): string[] {
  const labels: string[] = [];
  for (const [, name, quoted, token] of contentType.matchAll(parameter)) {
    const value = quoted?.replace(/\\(.)/g, '$1') ?? token ?? '';
    if (name?.toLowerCase() === 'charset' && value !== '') labels.push(value);
  }
  return labels;
}

/** `; name=value` or `; name="value"`, the quotes' `\"` escapes included. */
const parameter = /;\s*([^\s;=]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]*))/g;

/**
 * A form in a declared charset: split as bytes (each byte one latin1 character, the form's `&`,
 * `=`, `%` and `+` being ASCII in each charset taken), then each key and value, its escapes
 * included, decoded from its bytes.
 */
function parseFormIn(body: Buffer, charset: TextDecoder): RawFields {
  const decoder = (text: string) => {
    const decoded = textIn(formBytes(text, 'latin1'), charset);
    if (decoded === undefined)
      throw Object.assign(new Error(`Not ${charset.encoding} text`), { statusCode: 400 });
    return decoded;
  };
  return parseNested(body.toString('latin1'), { ...qsOptions, decoder });
}

/** The body parsers legacy clients need beyond Fastify's own (the JSON one serves /trpc too). */
export function registerLegacyBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      const charset = declaredCharset(req.headers['content-type']);
      if (charset) return done(null, parseFormIn(body as Buffer, charset));
      const text = textIn(body as Buffer);
      if (text === undefined) return done(notUtf8(), undefined);
      done(null, parseFormFields(text));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // axios posts `application/json` with an empty body when a call has no fields.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let charset: TextDecoder | undefined;
    try {
      charset = declaredCharset(req.headers['content-type']);
    } catch (error) {
      return done(error as Error, undefined);
    }
    const text = textIn(body as Buffer, charset);
    if (text === undefined) return done(notUtf8(), undefined);
    if (text.trim() === '') return done(null, {});
    const tooMany = tooManyJsonValues(text);
    if (tooMany) return done(tooMany, undefined);
    defaultJson(req, text, done);
  });
}

/**
 * Takes a multipart file part as the form streams. `fieldsBefore` gives the fields known when the
 * part began (the query string's and the text parts before it, merged as the whole form's are):
 * the login may be settled from them before a byte of the file is read.
 */
export type FileHandler = (part: MultipartFilePart, fieldsBefore: () => RawFields) => Promise<unknown>;

/**
 * ThinkPHP `input()` semantics: query string and body merged, the body winning. Multipart file
 * parts are handed to `onFile` (or drained when the route takes no files) while the form streams.
 */
export async function collectFields(
  req: FastifyRequest,
  waitLimits: FormWaitLimits,
  onFile?: FileHandler,
): Promise<RawFields> {
  const queryStart = req.url.indexOf('?');
  const query = queryStart >= 0 ? parseFormFields(req.url.slice(queryStart + 1)) : {};
  if (req.isMultipart()) return { ...query, ...(await multipartFields(req, waitLimits, query, onFile)) };
  const body = req.body;
  const bodyFields = body && typeof body === 'object' && !Array.isArray(body) ? (body as RawFields) : {};
  return { ...query, ...bodyFields };
}

export interface MultipartFilePart {
  readonly fieldname: string;
  readonly filename: string;
  readonly mimetype: string;
  readonly file: NodeJS.ReadableStream & { truncated?: boolean };
}

async function multipartFields(
  req: FastifyRequest,
  waitLimits: FormWaitLimits,
  query: RawFields,
  onFile?: FileHandler,
): Promise<RawFields> {
  const pairs: Record<string, unknown> = {};
  const files: Record<string, unknown> = {};
  const fieldsBefore = () => ({ ...query, ...textFields(pairs) });
  // The fields' total is held to bodyLimitBytes by multipartParts, on every door.
  for await (const part of multipartParts(req, waitLimits)) {
    if (part.type === 'file') {
      const received = onFile ? await onFile(part, fieldsBefore) : await drain(part.file);
      if (received !== undefined) files[part.fieldname] = received;
    } else {
      // A value cut at the size cap must not pass for the whole value: refuse the form (413).
      if (part.valueTruncated || part.fieldnameTruncated) throw new FormFieldsTooLargeError();
      // The parser decodes a text part leniently, each byte that is not UTF-8 (a form in GBK) as
      // U+FFFD: refused like such a body, rather than stored as what the client never meant.
      if (typeof part.value === 'string' && part.value.includes('\uFFFD')) throw notUtf8();
      appendField(pairs, part.fieldname, part.value);
    }
  }
  // A file part wins over a text field of the same name (the deployed upload form sends both).
  return { ...textFields(pairs), ...files };
}

/** Field names carry the same bracket notation as forms; qs nests them the same way. */
const textFields = (pairs: Record<string, unknown>): RawFields =>
  parseNested(pairs as Record<string, string>, qsOptions);

function appendField(pairs: Record<string, unknown>, name: string, value: unknown): void {
  const previous = pairs[name];
  if (previous === undefined) pairs[name] = value;
  else pairs[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
}

export async function drain(stream: NodeJS.ReadableStream): Promise<undefined> {
  for await (const _chunk of stream) {
    // discard: nobody takes this part
  }
}
