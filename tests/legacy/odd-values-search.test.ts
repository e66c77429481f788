import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { legacyGet, legacyPost } from '../support/legacy-client.js';
import { approveDemand, postDemand, rareCjk } from '../support/marketplace-flow.js';
import { randomIp, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A title search finds the text it was given, literally and alike on MySQL and SQLite: `%`, `_`,
 * `!` and `\` are themselves, letters match in either case, and no other character stands in for
 * another (MySQL's utf8mb4_unicode_ci took `cafe` for `café` and `full` for `ｆｕｌｌ`; SQLite's LIKE
 * did not take `CAFÉ` for `café`).
 */
const titles = ['a%b', 'a_b', 'a!b', 'a\\b', 'ABC', 'café', 'ｆｕｌｌ', '😀x'];
const searches: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['%', ['a%b']],
  ['_', ['a_b']],
  ['!', ['a!b']],
  ['\\', ['a\\b']],
  ['\\b', ['a\\b']],
  ['abc', ['ABC']],
  ['Ab', ['ABC']],
  ['cafe', []],
  ['CAFÉ', ['café']],
  ['café', ['café']],
  ['full', []],
  ['ｆｕｌｌ', ['ｆｕｌｌ']],
  ['Ｃ', []],
  ['😀', ['😀x']],
  ['🎉', []],
];

describe.each(backends)('title search with odd terms ($name)', (backend) => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof loginBySms>>;
  // Every title starts with a tag no other test writes, so a shared MySQL database stays exact.
  const tag = rareCjk(4);
  beforeAll(async () => {
    t = await startTestApp(backend);
    owner = await loginBySms(t, undefined, 2);
    for (const title of titles)
      await approveDemand(t, await postDemand(t, owner, { title: `${tag}${title}` }));
  });
  afterAll(() => t.close());

  const found = (answer: { body: { res: number; data: unknown } }) => {
    expect(answer.body.res).toBe(1);
    return (answer.body.data as { data: { title: string }[] }).data
      .filter((d) => d.title.startsWith(tag))
      .map((d) => d.title.slice(tag.length))
      .sort();
  };

  it("finds the same titles in the owner's list, whatever the database", async () => {
    for (const [term, expected] of searches) {
      const answer = await legacyPost(t.app, '/user/goods/index', { ...checkFields(owner), title: term });
      expect(found(answer), term).toEqual([...expected].sort());
    }
  });

  it('finds the same titles in the public list', async () => {
    for (const [term, expected] of searches) {
      const answer = await legacyGet(
        t.app,
        '/index/goods/index',
        { title: term, limit: 100 },
        { ip: randomIp() },
      );
      expect(found(answer), term).toEqual([...expected].sort());
    }
  });
});
