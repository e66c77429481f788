import type { Compilable, CompiledQuery, DialectAdapter } from 'kysely';
import type { Db } from './database.js';

/** A query's value, or a list of them (`in`); undefined leaves its part out (an absent filter). */
type Value = string | number | readonly (string | number)[] | undefined;
type Values = Readonly<Record<string, Value>>;

/** Stands in for the value at `index` of a call's values while the query is built. */
class Slot {
  constructor(readonly index: number) {}
}

/** Shapes kept per query and dialect: lists of every length up to a large page, with room to spare. */
const maxShapes = 256;

/**
 * A read written with Kysely's builder, built and compiled once per dialect and shape, then run
 * with each call's values (Kysely's "splitting build, compile and execute" recipe). For the hot
 * reads (the owner's list, the public list) building and compiling their statements on every
 * request was a large share of all the work a request did (bench/README.md, the twenty-third look).
 *
 * `build` is given stand-ins, not the values: it must hand each one to Kysely as it is (compute a
 * `LIKE` pattern before, not inside) and may choose the query's shape only by whether a value is
 * undefined. A shape is which values are absent and how long each list is. Every run of a shape
 * shares its compiled query's id, which only Kysely plugins read; the service has none.
 */
export function compiledOnce<V extends Values, R>(build: (db: Db, values: V) => Compilable<R>) {
  const byDialect = new WeakMap<DialectAdapter, Map<string, CompiledQuery<R>>>();
  return async (db: Db, values: V): Promise<R[]> => {
    const flat: unknown[] = [];
    let shape = '';
    for (const name in values) {
      const value = values[name];
      if (value === undefined) shape += `${name}-,`;
      else if (Array.isArray(value)) {
        shape += `${name}[${value.length}],`;
        for (const item of value) flat.push(item);
      } else {
        shape += `${name}=,`;
        flat.push(value);
      }
    }
    const adapter = db.getExecutor().adapter;
    let shapes = byDialect.get(adapter);
    if (shapes === undefined) {
      shapes = new Map();
      byDialect.set(adapter, shapes);
    }
    let compiled = shapes.get(shape);
    if (!compiled) {
      compiled = build(db, standIns(values)).compile();
      assertEveryValueIsAParameter(compiled, flat.length);
      if (shapes.size < maxShapes) shapes.set(shape, compiled);
    }
    const parameters = compiled.parameters.map((p) => (p instanceof Slot ? flat[p.index] : p));
    const { query, queryId, sql } = compiled;
    return (await db.executeQuery<R>({ query, queryId, sql, parameters })).rows;
  };
}

/** The values with each one replaced by a Slot of its place in the call's flat list. */
function standIns<V extends Values>(values: V): V {
  let next = 0;
  const slots: Record<string, unknown> = {};
  for (const name in values) {
    const value = values[name];
    if (value === undefined) slots[name] = undefined;
    else if (Array.isArray(value)) slots[name] = value.map(() => new Slot(next++));
    else slots[name] = new Slot(next++);
  }
  // The builder types its stand-ins as the values they stand for: Kysely only passes them through.
  return slots as V;
}

/**
 * A stand-in the builder turned into text (`'%' + value`) or inlined (`sql.lit`) would run every
 * call with the first call's value, or with none: refused when the shape is compiled, so a test of
 * any call of it fails.
 */
function assertEveryValueIsAParameter(compiled: CompiledQuery, valueCount: number): void {
  const used = new Set(compiled.parameters.flatMap((p) => (p instanceof Slot ? [p.index] : [])));
  if (used.size !== valueCount)
    throw new Error(
      `compiledOnce: ${valueCount - used.size} value(s) are not parameters of: ${compiled.sql}`,
    );
}
