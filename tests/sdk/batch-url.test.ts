import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../client-sdk/index.js';
import { maxBatchUrlLength } from '../../client-sdk/src/client.js';
import { embedded } from '../support/backends.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

describe('batched queries in the URL', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(embedded);
    url = await listen(t);
  });
  afterAll(() => t.close());

  it('are split so that no URL grows past what proxies take', async () => {
    const sent: string[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const client = createClient({ url, fetch: recording });
    // Ten title searches of 100 Chinese characters: ~9.9 KB of URL as one batch, which a default
    // nginx answers with 414 before the service sees it.
    const titles = Array.from({ length: 10 }, (_, i) => `${'需'.repeat(99)}${i}`);
    const pages = await Promise.all(titles.map((title) => client.demands.list.query({ title })));
    expect(pages.every((page) => page.total === 0)).toBe(true);
    expect(sent.length).toBeGreaterThan(1);
    for (const sentUrl of sent) expect(sentUrl.length).toBeLessThanOrEqual(maxBatchUrlLength);
  });
});
