import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApiDocument } from '../../server/src/docs/openapi.js';
import { embedded } from '../support/backends.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// The YAML module swagger-ui converts its document with, as it requires it.
const fromSwaggerUi = createRequire(createRequire(import.meta.url).resolve('@fastify/swagger-ui'));
const yaml = fromSwaggerUi('yaml') as {
  stringify: (value: unknown) => string;
  parse: (text: string) => unknown;
};

/**
 * The document is ~0.9 MB and anyone may ask for it: serialized for each request, it cost ~20-40 ms
 * of CPU per GET as JSON and ~200-300 ms as YAML. It is serialized once per process.
 */
describe('the API document, served many times', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(embedded);
  });
  afterAll(() => t.close());

  it('is serialized once, whichever of its URLs is asked', async () => {
    const document = openApiDocument(t.config.displayTimeZone);
    const jsonSpy = vi.spyOn(JSON, 'stringify');
    const yamlSpy = vi.spyOn(yaml, 'stringify');
    try {
      for (let n = 0; n < 3; n++) {
        for (const url of ['/docs/openapi.json', '/docs/json', '/docs/yaml']) {
          const response = await t.app.inject({ method: 'GET', url });
          expect(response.statusCode, url).toBe(200);
          // JSON is YAML 1.2: the YAML URL's text reads as the same document.
          expect(url.endsWith('yaml') ? yaml.parse(response.body) : response.json(), url).toEqual(document);
        }
      }
      const serializationsOfTheDocument = jsonSpy.mock.calls.filter(([value]) => value === document);
      expect(serializationsOfTheDocument.length).toBeLessThanOrEqual(1);
      expect(yamlSpy).not.toHaveBeenCalled();
    } finally {
      jsonSpy.mockRestore();
      yamlSpy.mockRestore();
    }
  });

  it('keeps the types each URL had', async () => {
    const types = async (url: string) => (await t.app.inject({ method: 'GET', url })).headers['content-type'];
    expect(await types('/docs/openapi.json')).toMatch(/^application\/json/);
    expect(await types('/docs/json')).toMatch(/^application\/json/);
    expect(await types('/docs/yaml')).toMatch(/^application\/x-yaml/);
  });
});
