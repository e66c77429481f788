/**
 * Largest JSON or form body (Fastify's bodyLimit), and largest sum of a multipart form's text
 * fields: the same fields sent as multipart must not hold more than they could as JSON (1000 fields
 * of 128 KB each would otherwise be 128 MB held in memory for one request).
 */
export const bodyLimitBytes = 1024 * 1024;

/**
 * Most values a JSON body may hold: its objects and arrays, and each member or element after the
 * first (a `,`), nested ones included. Parsing is dear per value, not per byte: 1 MB of short keys
 * took many times as long to parse and merge with the query as 1 MB of one string, and 900 KB of
 * empty objects (`[{},{},...]`, no member at all) stalled the event loop to parse and rebuild as
 * superjson, which anyone could cause without logging in (bench/README.md, "Hostile bodies"). A
 * form may have 1000 fields (qs' parameterLimit, multipart's `fields`); the largest body a client
 * sends, a resume list of 100 projects, holds about 1300 values as JSON (superjson's dates
 * included).
 */
export const maxJsonValues = 2000;

/**
 * A body too large (413) when `text` holds more than `maxJsonValues` values, counted before it is
 * parsed and only up to the cap; undefined otherwise. No client sends that many, and parsing is dear.
 */
export function tooManyJsonValues(text: string): Error | undefined {
  return countsPast(text, maxJsonValues)
    ? Object.assign(new Error(`The JSON body has more than ${maxJsonValues} values`), { statusCode: 413 })
    : undefined;
}

/**
 * Counts `{`, `[` and `,` outside strings, up to `cap`: one pass over the characters, since a
 * pattern that skips strings backtracks on a body of escaped quotes (`"\"\"\"...`) in time that grows
 * with the square of its length.
 */
function countsPast(text: string, cap: number): boolean {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === backslash) i++;
      else if (c === quote) inString = false;
    } else if (c === quote) inString = true;
    else if ((c === openBrace || c === openBracket || c === comma) && ++count > cap) return true;
  }
  return false;
}

const quote = 0x22; // "
const backslash = 0x5c;
const openBrace = 0x7b; // {
const openBracket = 0x5b; // [
const comma = 0x2c;
