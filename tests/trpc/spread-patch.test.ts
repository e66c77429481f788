import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * patches/@trpc+server+*.patch: tRPC's options-copying helper, made cheap. The installed build must
 * carry it (postinstall ran), and it must copy exactly what the original copied.
 */
const dist = path.resolve(import.meta.dirname, '../../node_modules/@trpc/server/dist');
const chunks = readdirSync(dist).filter((name) => /^getErrorShape-.*\.(mjs|cjs)$/.test(name));

type Spread = (target: object, ...sources: unknown[]) => Record<PropertyKey, unknown>;

async function patchedSpread(): Promise<Spread> {
  const file = chunks.find((name) => name.endsWith('.mjs')) as string;
  const source = readFileSync(path.join(dist, file), 'utf8');
  // The chunk exports the helper under a short name; find which.
  const exported = /_objectSpread2 as (\w+)/.exec(source)?.[1] as string;
  const module = (await import(pathToFileURL(path.join(dist, file)).href)) as Record<string, Spread>;
  return module[exported] as Spread;
}

describe("tRPC's copy of a call's options (patched)", () => {
  it('is patched in both of the installed builds', () => {
    expect(chunks).toHaveLength(2);
    for (const name of chunks) {
      expect(readFileSync(path.join(dist, name), 'utf8'), name).toContain('Object.assign(e, t)');
    }
  });

  it('copies own enumerable keys and symbols, later sources winning, and nothing else', async () => {
    const spread = await patchedSpread();
    const symbol = Symbol('s');
    const source = Object.create(
      { inherited: 1 },
      {
        own: { value: 2, enumerable: true },
        hidden: { value: 3, enumerable: false },
        [symbol]: { value: 4, enumerable: true },
      },
    );
    const copy = spread(spread({}, source), {}, { own: 5, next: 6 }, null, undefined);
    expect(copy).toEqual({ own: 5, next: 6, [symbol]: 4 });
    expect('inherited' in copy || 'hidden' in copy).toBe(false);
  });

  it('keeps an own __proto__ key a property, never the prototype', async () => {
    const spread = await patchedSpread();
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const copy = spread({}, parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy.polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(copy).sort()).toEqual(['__proto__', 'a']);
  });
});
