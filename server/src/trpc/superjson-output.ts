import superjson, { type SuperJSONResult } from 'superjson';

/**
 * superjson's `serialize`, in one pass, for what our procedures answer with.
 *
 * Why: superjson walks every value with path arrays, identity maps and per-level annotation objects;
 * for a page of 20 demands (~1000 values, ~73 Dates) that was a fifth of a `/trpc` request in the
 * profile (bench/README.md). This builds the same `{ json, meta }` (superjson 2.2.6's format, byte for byte
 * once stringified) for plain objects, dense arrays, strings, booleans, null, finite numbers, undefined
 * and valid Dates, and hands anything else (Map, Set, BigInt, -0, NaN, class instances, cycles, …) to
 * `superjson.serialize` whole.
 *
 * The one intended difference: repeated references to the same object (a Date included) are not
 * recorded as `meta.referentialEqualities`, so the client gets equal copies where superjson would
 * give it one shared object. Our answers are trees built per request; nothing relies on identity.
 *
 * Should we ever register custom superjson transformers, classes or symbols, revisit this: they
 * would be ignored here for plain values.
 *
 * package.json pins superjson exactly (2.2.6) for this reason: moving it is a deliberate step, with
 * tests/trpc/superjson-output.test.ts comparing this writer against the new version's output.
 */
export function serializeOutput(value: unknown): SuperJSONResult {
  const walk: Walk = { path: [], found: [] };
  let json: unknown;
  try {
    json = toJson(value, 0, walk);
  } catch (error) {
    if (error === UNSUPPORTED) return superjson.serialize(value);
    throw error;
  }
  const [first] = walk.found;
  if (!first) return { json } as SuperJSONResult;
  // A special value at the top is annotated without a path: `values: ["Date"]`.
  const values = typeof json === 'object' && json !== null ? Object.fromEntries(walk.found) : first[1];
  // Same key order as superjson's (`values`, then `v`), so the JSON text is the same too.
  return { json, meta: { values, v: 1 } } as SuperJSONResult;
}

type Annotation = ['Date'] | ['undefined'];
interface Walk {
  /** Keys from the top to the value being visited (array indexes as numbers). */
  readonly path: Array<string | number>;
  /** `meta.values` entries (path, annotation), in the order superjson's object lists them. */
  readonly found: Array<[string, Annotation]>;
}

/** Thrown inside the walk on anything beyond the plain subset; the whole value goes to superjson. */
const UNSUPPORTED = Symbol('unsupported by serializeOutput');
/** Deeper than any answer of ours; also how a cycle ends up with superjson (which handles it). */
const MAX_DEPTH = 64;

function toJson(value: unknown, depth: number, walk: Walk): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // superjson annotates NaN, ±Infinity and -0.
      if (!Number.isFinite(value) || Object.is(value, -0)) throw UNSUPPORTED;
      return value;
    case 'undefined':
      annotate(walk, ['undefined']);
      return null;
    case 'object':
      break;
    default: // bigint, symbol, function
      throw UNSUPPORTED;
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH) throw UNSUPPORTED;
  if (Array.isArray(value)) return arrayToJson(value, depth, walk);
  const proto = Object.getPrototypeOf(value);
  if (proto === Date.prototype) {
    const date = value as Date;
    if (Number.isNaN(date.getTime())) throw UNSUPPORTED; // superjson keeps invalid Dates as-is
    annotate(walk, ['Date']);
    return date.toISOString();
  }
  if ((proto === Object.prototype || proto === null) && value !== Object.prototype) {
    return objectToJson(value as Record<string, unknown>, depth, walk);
  }
  throw UNSUPPORTED;
}

function arrayToJson(array: readonly unknown[], depth: number, walk: Walk): unknown[] {
  const json = new Array<unknown>(array.length);
  const start = walk.found.length;
  let leaves = 0;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (item === undefined && !(i in array)) throw UNSUPPORTED; // a hole: superjson skips it
    walk.path.push(i);
    json[i] = toJson(item, depth + 1, walk);
    walk.path.pop();
    if (isLeaf(item)) leaves = hoistLeaf(walk.found, start, leaves);
  }
  return json;
}

function objectToJson(object: Record<string, unknown>, depth: number, walk: Walk): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  const start = walk.found.length;
  let leaves = 0;
  for (const key of Object.keys(object)) {
    // superjson refuses these keys (throws); let it. It also means `json[key] =` never sets a prototype.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw UNSUPPORTED;
    const item = object[key];
    walk.path.push(key);
    json[key] = toJson(item, depth + 1, walk);
    walk.path.pop();
    if (isLeaf(item) && isArrayIndex(key)) leaves = hoistLeaf(walk.found, start, leaves);
  }
  return json;
}

/** A value that became a single `meta.values` entry (it has been walked, so a Date is a valid one). */
const isLeaf = (item: unknown) => item === undefined || item instanceof Date;

/**
 * superjson gathers each container's annotations in an object keyed by the child's key, so a
 * direct child annotated under an integer key ("3") is listed before the container's other entries
 * ("0.createdAt"), as JS orders such keys first. Moves the entry just added there, keeping them ascending.
 */
function hoistLeaf(found: Walk['found'], start: number, leaves: number): number {
  const at = start + leaves;
  if (found.length - 1 !== at) found.splice(at, 0, found.pop() as [string, Annotation]);
  return leaves + 1;
}

/** Keys JS objects list first, in ascending order ("array indexes"): "0", "7", not "07" or "-1". */
const isArrayIndex = (key: string) => /^(?:0|[1-9]\d*)$/.test(key) && Number(key) <= 4294967294;

function annotate(walk: Walk, annotation: Annotation): void {
  walk.found.push([walk.path.map(escapeKey).join('.'), annotation]);
}

/** superjson's `escapeKey` (dist/pathstringifier.js): `\` → `\\`, then `.` → `\.`. */
const escapeKey = (key: string | number) =>
  typeof key === 'number'
    ? String(key)
    : NEEDS_ESCAPE.test(key)
      ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.')
      : key;
const NEEDS_ESCAPE = /[.\\]/;
