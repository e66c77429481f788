import { TRPCError } from '@trpc/server';
import superjson, { type SuperJSONResult } from 'superjson';

/**
 * superjson's `deserialize` for what clients send, refusing first what no procedure takes and
 * what superjson would rebuild at a cost out of proportion to the request.
 *
 * Why: superjson reaches the n-th entry of a Map or Set by stepping through the n before it, once
 * for every annotation path through it, so a 1 MB input of a large Map and as many
 * `referentialEqualities` into it blocked the event loop for seconds before any schema saw it
 * (bench/README.md, "Hostile bodies"); a million-digit `bigint` is parsed in full; a 400,000-deep
 * array is copied level by level. No procedure takes a Map, Set, BigInt, RegExp, Error, URL, symbol
 * or class instance (their zod schemas would refuse them all, but only after superjson built them),
 * nor an input nested anywhere near `maxInputDepth`.
 *
 * Kept: Dates, `undefined` (an absent optional field), non-finite numbers and -0 (refused by the
 * schemas, cheaply), and `referentialEqualities`, which the client writes when one object (a Date,
 * say) appears twice: without Maps and Sets each of their paths costs its length, so all of them
 * together cost at most the request's size.
 */
export function deserializeInput(payload: unknown): unknown {
  if (payload !== null && typeof payload === 'object') {
    const { json, meta } = payload as { json?: unknown; meta?: { values?: unknown } };
    checkDepth(json);
    if (meta !== null && typeof meta === 'object') checkAnnotations(meta.values);
  }
  return superjson.deserialize(payload as SuperJSONResult);
}

/** Deeper than any input of ours (a resume list's items are 3 levels down). */
const maxInputDepth = 32;

/** The value types an input may carry (superjson's names for them). */
const acceptedTypes: ReadonlySet<unknown> = new Set(['Date', 'undefined', 'number']);

const refuse = (why: string): never => {
  throw new TRPCError({ code: 'BAD_REQUEST', message: `Invalid input: ${why}` });
};

/** Refuses a value nested deeper than `maxInputDepth`, without recursing (so no stack is at risk). */
function checkDepth(root: unknown): void {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxInputDepth) refuse(`nested deeper than ${maxInputDepth} levels`);
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
}

/**
 * Walks `meta.values` as superjson's `traverse` does: a node is `[type]` or `[type, {key: node}]`,
 * or an object `{path: node}`. Every type must be an accepted one.
 */
function checkAnnotations(tree: unknown): void {
  if (tree === undefined) return;
  const stack: Array<[unknown, number]> = [[tree, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth >= maxInputDepth) refuse(`annotations nested deeper than ${maxInputDepth} levels`);
    if (Array.isArray(node)) {
      const [type, children] = node as [unknown, unknown];
      if (!acceptedTypes.has(type)) {
        refuse(`values of type ${typeof type === 'string' ? type : JSON.stringify(type)} are not accepted`);
      }
      if (children !== undefined) stack.push([children, depth + 1]);
    } else if (node !== null && typeof node === 'object') {
      for (const child of Object.values(node)) stack.push([child, depth + 1]);
    } else {
      refuse('malformed annotations');
    }
  }
}
