import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocs } from '../../server/src/docs/openapi.js';
import { legacyRoutes } from '../../server/src/legacy/routes/index.js';
import { checkFields } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { samplePng } from '../support/sample-files.js';
import { randomIp, startTestApp, type TestApp } from '../support/test-app.js';
import { postFile } from '../support/upload-client.js';
import { createWorld } from './example-world.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Where the documented answer and the real one differ in shape: keys and value types. */
function shapeDifferences(documented: unknown, answered: unknown, at = 'data'): string[] {
  if (Array.isArray(documented) && Array.isArray(answered)) {
    return documented.length && answered.length
      ? shapeDifferences(documented[0], answered[0], `${at}[]`)
      : [];
  }
  if (isObject(documented) && isObject(answered)) {
    return [
      ...Object.keys(documented)
        .filter((key) => !(key in answered))
        .map((key) => `${at}.${key} is documented but not answered`),
      ...Object.keys(answered)
        .filter((key) => !(key in documented))
        .map((key) => `${at}.${key} is answered but not documented`),
      ...Object.keys(documented)
        .filter((key) => key in answered)
        .flatMap((key) => shapeDifferences(documented[key], answered[key], `${at}.${key}`)),
    ];
  }
  // Nullable objects (`companyinfo`, `person`) are null in one and filled in the other.
  if (documented === null || answered === null) return [];
  const kind = (value: unknown) => (Array.isArray(value) ? 'array' : typeof value);
  return kind(documented) === kind(answered)
    ? []
    : [`${at}: documented ${kind(documented)}, answered ${kind(answered)}`];
}

/** Every string of a JSON value with its path (`data[].pay`). */
function stringsWithPaths(value: unknown, at = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((item) => stringsWithPaths(item, `${at}[]`));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, inner]) =>
      stringsWithPaths(inner, at ? `${at}.${key}` : key),
    );
  }
  return [];
}

const allLabels = new Set(legacyRoutes.flatMap((route) => Object.values(route.labels ?? {}).flat()));
allLabels.delete('');

/**
 * Each route's documented example request, sent to a live app on a fresh database, succeeds and
 * answers what the docs show: the same keys and value types, and labels only where documented.
 */
describe('documented examples hold on a live app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(embedded);
  });
  afterAll(() => t.close());

  const { legacy } = generateDocs({ timeZone: 'Asia/Shanghai' });

  it.each(legacy.map((resolved) => [resolved.route.path, resolved] as const))(
    '%s',
    async (path, resolved) => {
      const route = resolved.route;
      const world = await createWorld(t);
      const session = route.example.as === 'employer' ? world.employer : world.worker;
      const login = route.auth === 'session' ? checkFields(session) : {};
      const fields = { ...login, ...route.example.request, ...(await route.example.live?.(world)) };
      const answer =
        'upload' in route
          ? await postFile(t.app, path, {
              content: samplePng(),
              filename: 'photo.png',
              fields: login,
              ip: randomIp(),
            })
          : await legacyPost(t.app, path, fields, 'json', { ip: randomIp() });

      expect(answer.status).toBe(200);
      expect(answer.body.err).toBe('');
      expect(answer.body.res).toBe(1);
      const documented = (resolved.exampleResponse as { data: unknown }).data;
      expect(shapeDifferences(documented, answer.body.data)).toEqual([]);

      // Labels: where documented, one of the documented ones; nowhere else.
      const labels = route.labels ?? {};
      for (const [at, value] of stringsWithPaths(answer.body.data)) {
        if (at in labels) expect(labels[at], `${path} ${at}`).toContain(value);
        else expect(allLabels.has(value), `${path} ${at} = ${value} is an undocumented label`).toBe(false);
      }
    },
  );
});
