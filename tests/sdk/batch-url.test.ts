import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, fileUrl, isAppError, uploadFile } from '../../client-sdk/index.js';
import { maxBatchUrlLength } from '../../client-sdk/src/client.js';
import { loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { samplePng } from '../support/sample-files.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

describe('queries in the URL, and files by their URL', () => {
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

  it('sends a query too long for any URL by itself as a POST, answered as any refusal is', async () => {
    const methods: string[] = [];
    const recording: typeof fetch = (input, init) => {
      methods.push(init?.method ?? 'GET');
      return fetch(input, init);
    };
    const client = createClient({ url, fetch: recording });
    // 450 Chinese characters: ~4 KB encoded, past the batch link's limit for a single query, which
    // it refused with an error of no code ("Input is too big for a single dispatch").
    const refused = await client.demands.list.query({ title: '中'.repeat(450) }).catch((e: unknown) => e);
    expect(isAppError(refused, 'VALIDATION_FAILED')).toBe(true);
    expect(methods).toEqual(['POST']);
    // A query of ordinary length still travels in the URL.
    expect((await client.demands.list.query({ title: '中'.repeat(100) })).total).toBe(0);
    expect(methods).toEqual(['POST', 'GET']);
  });

  it('sends mutations one to a request, so inputs that each fit are never refused together', async () => {
    const me = await loginBySms(t);
    const sent: string[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const api = createClient({ url, token: me.token, fetch: recording });
    // A resume wizard saving its sections at once: 700 to 1,000 JSON values each, past the 2,000 a
    // body may hold when batched together (BODY_TOO_LARGE), well within it one by one.
    const full = (n: number) => ({
      name: `p${n}`,
      type: 't',
      link: 'https://e.com',
      keyFeatures: 'k',
      description: 'd',
    });
    const projects = Array.from({ length: 100 }, (_, n) => full(n));
    const period = { begin: new Date(2020, 0), end: new Date(2021, 0) };
    const saved = await Promise.all([
      api.resume.projects.replaceAll.mutate({ items: projects }),
      api.resume.skills.replaceAll.mutate({
        items: Array.from({ length: 100 }, (_, n) => ({ name: `s${n}`, score: 3 })),
      }),
      api.resume.education.replaceAll.mutate({
        items: Array.from({ length: 100 }, (_, n) => ({ school: `e${n}`, ...period })),
      }),
      api.resume.jobs.replaceAll.mutate({
        items: Array.from({ length: 100 }, (_, n) => ({ company: `c${n}`, title: 't', ...period })),
      }),
    ]);
    expect(saved.map((list) => list.length)).toEqual([100, 100, 100, 100]);
    expect(sent.length).toBe(4);
  });

  it('gives the address of a file the service named, whatever origin the page is on', async () => {
    const connection = { url: `${url}/` };
    const stored = await uploadFile({
      ...connection,
      token: (await loginBySms(t)).token,
      file: samplePng(),
      filename: 'a.png',
    });
    expect(stored.url.startsWith('/uploads/')).toBe(true);
    const address = fileUrl(connection, stored.url);
    expect(address).toBe(`${url}${stored.url}`);
    const served = await fetch(address);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(samplePng())).toBe(true);
    expect(fileUrl(connection, 'https://cdn.example.com/a.png')).toBe('https://cdn.example.com/a.png');
  });
});
