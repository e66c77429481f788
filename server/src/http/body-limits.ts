/**
 * Largest JSON or form body (Fastify's bodyLimit), and largest sum of a multipart form's text
 * fields: the same fields sent as multipart must not hold more than they could as JSON (1000 fields
 * of 128 KB each would otherwise be 128 MB held in memory for one request).
 */
export const bodyLimitBytes = 1024 * 1024;

/**
 * Most members (`"name":` pairs, nested ones included) a JSON body may hold. Parsing is dear per
 * member, not per byte: 1 MB of short keys took many times as long to parse and merge with the query
 * as 1 MB of one string, a stall of the event loop anyone could cause without logging in. A form may
 * have 1000 fields (qs' parameterLimit, multipart's `fields`); the largest body a client sends, a
 * resume list of 100 projects, has under 1000 members as JSON (superjson's dates included).
 */
export const maxJsonMembers = 2000;

/**
 * A body too large (413) when `text` names more than `maxJsonMembers` members, counted before it is
 * parsed and only up to the cap; undefined otherwise. No client sends that many, and parsing is dear.
 */
export function tooManyJsonMembers(text: string): Error | undefined {
  return countsPast(text, maxJsonMembers)
    ? Object.assign(new Error(`The JSON body has more than ${maxJsonMembers} members`), { statusCode: 413 })
    : undefined;
}

function countsPast(text: string, cap: number): boolean {
  // A quote then a colon ends every member's name; inside a string a quote is escaped, so an
  // escaped `\":` in a text is the only thing counted besides them: a cap of the members and a bit.
  const memberName = /"\s*:/g;
  for (let count = 0; memberName.exec(text) !== null; ) {
    if (++count > cap) return true;
  }
  return false;
}
