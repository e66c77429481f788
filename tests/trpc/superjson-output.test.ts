import { readFileSync } from 'node:fs';
import path from 'node:path';
import superjson from 'superjson';
import { describe, expect, it, vi } from 'vitest';
import { serializeOutput } from '../../server/src/trpc/superjson-output.js';

/** serializeOutput's answer, and whether it handed the value to superjson.serialize. */
function serializeWatched(value: unknown) {
  const spy = vi.spyOn(superjson, 'serialize');
  try {
    return { result: serializeOutput(value), fellBack: spy.mock.calls.length > 0 };
  } finally {
    spy.mockRestore();
  }
}

/** The same result as superjson's, as a structure and as the JSON text the wire carries. */
function expectSameAsSuperjson(value: unknown, result: unknown) {
  const expected = superjson.serialize(value);
  expect(result).toStrictEqual(expected);
  expect(JSON.stringify(result)).toBe(JSON.stringify(expected));
}

const repository = path.resolve(import.meta.dirname, '../..');

const at = (n: number) => new Date(Date.UTC(2026, 2, 8, 2, 30) + n * 61_000);

function application(demandId: number, n: number) {
  return {
    id: demandId * 10 + n,
    demandId,
    applicantId: 500 + n,
    applicantPhone: n % 2 ? null : `1380013800${n}`,
    message: '我可以做这个',
    files: n ? [`/uploads/${n}.pdf`] : [],
    selected: n === 0,
    delivered: false,
    deliveryPreview: [],
    deliverySource: null,
    paid: false,
    paidFen: 0,
    deliveredAt: n === 1 ? at(n + 100) : null,
    createdAt: at(n + 200),
  };
}

function demand(id: number) {
  return {
    id,
    orderNo: `D2026030800${id}`,
    ownerId: 7,
    title: '中文标题 数据标注',
    kind: 'partTime',
    priceFen: 150_00 + id,
    settlement: 'daily',
    address: '上海市 徐汇区',
    workStart: at(id),
    workEnd: at(id + 1),
    category: '',
    description: 'line one\nline "two" \\ three',
    files: id % 3 ? [] : [{ id: 1, url: '/uploads/a.png' }],
    review: 'approved',
    paid: true,
    settled: false,
    createdAt: at(id + 2),
    applicationCount: id % 5,
    companyName: id % 2 ? null : '某某公司',
    applications: Array.from({ length: id % 5 }, (_, n) => application(id, n)),
  };
}

const page = () => ({ items: Array.from({ length: 20 }, (_, i) => demand(i + 1)), total: 123, page: 2 });

const deep = (levels: number): unknown => (levels === 0 ? { at: at(0) } : { down: [deep(levels - 1)] });

const handled: Array<[string, () => unknown]> = [
  ['a page of demands', page],
  ['an object with nothing special', () => ({ a: 1, b: 'x', c: true, d: null, e: [1, 2.5, -3], f: {} })],
  ['a top-level Date', () => at(0)],
  ['top-level undefined', () => undefined],
  ['top-level null', () => null],
  ['top-level scalars', () => ['x', 0, 1e21, false]],
  ['an empty object', () => ({})],
  ['an empty array', () => []],
  ['an object without a prototype', () => Object.assign(Object.create(null), { a: at(0), b: { c: 1 } })],
  ['Dates at every depth', () => ({ a: at(0), b: { c: at(1), d: [at(2), { e: [[at(3)]] }] } })],
  [
    'undefined in objects and arrays',
    () => ({ a: undefined, b: [undefined, 1, undefined], c: { d: undefined } }),
  ],
  ['an array of Dates and undefined', () => [at(0), undefined, at(1)]],
  [
    'keys with dots, backslashes and unicode',
    () => ({ 'a.b': at(0), 'c\\d': { 'e.\\f': undefined }, 中文: at(1) }),
  ],
  ['keys that are only escapes', () => ({ '.': { '\\': at(0), '': at(1) }, '\\.': [undefined] })],
  // superjson lists a container's own annotated items ("1") before its nested ones ("0.a").
  ['direct and nested annotations mixed in an array', () => ({ list: [{ a: at(0) }, at(1), undefined] })],
  ['mixed at the top and nested', () => [{ a: at(0) }, at(1), { b: [at(2), { c: at(3) }, at(4)] }]],
  [
    'integer keys in objects',
    () => ({ o: { b: { x: at(0) }, 5: { x: at(1) }, 7: at(2), '07': at(3), '-1': at(4) } }),
  ],
  [
    'integer keys at the array-index limit',
    () => ({ n: { x: at(0), 4294967294: at(1), 4294967295: at(2) } }),
  ],
  ['63 levels deep', () => deep(31)],
];

describe('serializeOutput', () => {
  it.each(handled)('answers exactly like superjson.serialize, by itself: %s', (_, make) => {
    const { result, fellBack } = serializeWatched(make());
    expect(fellBack).toBe(false);
    expectSameAsSuperjson(make(), result);
    expect(superjson.deserialize(result)).toEqual(make());
    expect(superjson.parse(JSON.stringify(result))).toEqual(make());
  });

  it('keeps Dates as Dates and undefined as undefined through the wire', () => {
    const back = superjson.parse<ReturnType<typeof page>>(JSON.stringify(serializeOutput(page())));
    expect(back).toStrictEqual(page());
    expect(back.items[3]?.applications[0]?.createdAt).toBeInstanceOf(Date);
    expect(superjson.parse(JSON.stringify(serializeOutput({ a: undefined })))).toHaveProperty('a', undefined);
  });

  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
  }
  const cycle = () => {
    const node: { name: string; self?: unknown } = { name: 'loop' };
    node.self = node;
    return node;
  };
  /** `[1, <hole>, 3]`. */
  const sparse = () => {
    const array = new Array<number>(3);
    array[0] = 1;
    array[2] = 3;
    return array;
  };
  const fallbacks: Array<[string, () => unknown]> = [
    ['a Map', () => ({ m: new Map<unknown, unknown>([['k', at(0)]]) })],
    ['a Set', () => ({ s: new Set([1, 'two']) })],
    ['a BigInt', () => ({ n: 10n })],
    ['NaN', () => ({ n: Number.NaN })],
    ['-0', () => [-0]],
    ['Infinity', () => ({ n: Number.POSITIVE_INFINITY, m: Number.NEGATIVE_INFINITY })],
    ['a RegExp', () => ({ r: /a.b/gi })],
    ['an invalid Date', () => ({ d: new Date(Number.NaN) })],
    ['a class instance', () => ({ p: new Point(1, 2) })],
    ['a sparse array', () => ({ a: sparse() })],
    ['a cycle', cycle],
    ['65 levels deep', () => deep(32)],
  ];

  it.each(fallbacks)('hands %s to superjson.serialize', (_, make) => {
    const { result, fellBack } = serializeWatched(make());
    expect(fellBack).toBe(true);
    expectSameAsSuperjson(make(), result);
    expect(superjson.deserialize(result)).toEqual(make());
  });

  it('fails like superjson on keys it refuses', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const value = JSON.parse(`{"ok":1,"${key}":{"a":1}}`);
      expect(Object.keys(value)).toContain(key);
      expect(() => superjson.serialize(value)).toThrow(key);
      expect(() => serializeOutput(value)).toThrow(key);
    }
  });

  it('sends copies where superjson would record a shared reference (the one intended difference)', () => {
    const shared = { when: at(0) };
    const value = { a: shared, b: shared, c: [shared] };
    const { result, fellBack } = serializeWatched(value);
    expect(fellBack).toBe(false);
    const expected = superjson.serialize(value);
    expect(expected.meta?.referentialEqualities).toBeDefined();
    expect(result).toStrictEqual({ json: expected.json, meta: { values: expected.meta?.values, v: 1 } });
    const back = superjson.deserialize<typeof value>(result);
    expect(back).toStrictEqual(value);
    expect(back.a).not.toBe(back.b);
  });

  it('is compared with the one superjson version package.json pins exactly', () => {
    const read = (file: string) => JSON.parse(readFileSync(path.join(repository, file), 'utf8'));
    const manifest = read('package.json') as { dependencies: Record<string, string> };
    const installed = read('node_modules/superjson/package.json') as { version: string };
    expect(manifest.dependencies.superjson).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed.version).toBe(manifest.dependencies.superjson);
  });
});
