import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { samplePdf, samplePng, sampleZip } from '../support/sample-files.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { postFile } from '../support/upload-client.js';

function expectSecurityHeaders(answer: LightMyRequestResponse, what: string) {
  expect(answer.headers['x-content-type-options'], what).toBe('nosniff');
  expect(answer.headers['x-frame-options'], what).toBe('DENY');
  expect(answer.headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
  expect(answer.headers['referrer-policy'], what).toBe('no-referrer');
}

describe.each(backends)('security headers and request ids ($name)', (backend) => {
  let t: TestApp;
  let session: Awaited<ReturnType<typeof loginBySms>>;
  beforeAll(async () => {
    t = await startTestApp(backend);
    session = await loginBySms(t);
  });
  afterAll(() => t.close());

  const upload = async (content: Buffer, filename: string) => {
    const answer = await postFile(t.app, '/user/api/file_upload', {
      content,
      filename,
      fields: checkFields(session),
    });
    expect(answer.body.res, filename).toBe(1);
    return (answer.body.data as { url: string }).url;
  };

  it('sends nosniff, no framing and no referrer on every kind of answer', async () => {
    const imageUrl = await upload(samplePng(), 'a.png');
    const answers: Array<[string, LightMyRequestResponse]> = [
      ['legacy', await t.app.inject({ method: 'POST', url: '/index/goods/index', payload: {} })],
      ['legacy failure', await t.app.inject({ method: 'POST', url: '/user/info/info', payload: {} })],
      ['typed', await t.app.inject({ method: 'GET', url: '/trpc/user.me' })],
      ['unknown path', await t.app.inject({ method: 'GET', url: '/nowhere' })],
      ['health', await t.app.inject({ method: 'GET', url: '/healthz' })],
      ['upload', await t.app.inject({ method: 'GET', url: imageUrl })],
      ['docs', await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })],
    ];
    for (const [what, answer] of answers) expectSecurityHeaders(answer, what);
    // An API answer may load nothing; a stored file may run nothing even if a browser renders it.
    expect(answers[0]?.[1].headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    expect(answers[5]?.[1].headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'; sandbox",
    );
    // Apps on other origins show uploads in <img> tags.
    expect(answers[5]?.[1].headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('gives /docs a policy under which Swagger UI runs from this service alone', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expectSecurityHeaders(page, 'docs page');
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https:/);
    // tests/docs/browser.test.ts loads the page in chromium and fails on any console error, which
    // is where a Content-Security-Policy violation shows.
  });

  it('keeps a client request id only when it is short and plain', async () => {
    const idOf = async (id: string) =>
      (await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': id } })).headers[
        'x-request-id'
      ];
    const plain = `req.${'a'.repeat(56)}_-9Z`;
    expect(plain).toHaveLength(64);
    expect(await idOf(plain)).toBe(plain);
    expect(await idOf('abc-123')).toBe('abc-123');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const long = 'x'.repeat(3000);
    for (const bad of [`${plain}x`, long, 'a b', '<script>', 'abc%0d%0a', '请求', 'a,b', '']) {
      expect(await idOf(bad), JSON.stringify(bad.slice(0, 20))).toMatch(uuid);
    }
    expect(t.logLines.some((line) => line.includes(long))).toBe(false);
  });

  it('names a download by the type its bytes showed, whatever extension it was sent with', async () => {
    const cases: Array<[Buffer, string, string]> = [
      [samplePdf(), 'x.html', 'x.pdf'],
      [samplePdf(), 'report.PDF', 'report.PDF'],
      [sampleZip(), 'archive', 'archive.zip'],
      [sampleZip(), 'page.htm.exe', 'page.htm.zip'],
      [samplePdf(), '报告.html', '报告.pdf'],
    ];
    for (const [content, sent, downloaded] of cases) {
      const served = await t.app.inject({ method: 'GET', url: await upload(content, sent) });
      expect(served.headers['content-disposition'], sent).toBe(
        `attachment; filename="${downloaded.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(downloaded)}`,
      );
    }
  });

  it("lets a page on another origin read a download's file name and any answer's request id", async () => {
    const headers = { origin: 'https://app.example.cn' };
    const answers = [
      await t.app.inject({ method: 'GET', url: await upload(samplePdf(), 'x.pdf'), headers }),
      await t.app.inject({ method: 'GET', url: '/trpc/user.me', headers }),
    ];
    for (const answer of answers) {
      const exposed = String(answer.headers['access-control-expose-headers'])
        .toLowerCase()
        .split(/\s*,\s*/);
      expect(exposed).toEqual(expect.arrayContaining(['content-disposition', 'x-request-id']));
    }
  });
});

describe('Vary: Origin with a list of allowed origins', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backends[0] as (typeof backends)[number], {
      CORS_ORIGIN: 'https://app.example.cn, https://admin.example.cn',
    });
  });
  afterAll(() => t.close());

  it('is on every answer, /trpc included, whether the origin is allowed or not', async () => {
    for (const origin of ['https://app.example.cn', 'https://evil.example']) {
      const answers: Array<[string, LightMyRequestResponse]> = [
        ['typed', await t.app.inject({ method: 'GET', url: '/trpc/user.me', headers: { origin } })],
        [
          'typed batch',
          await t.app.inject({ method: 'GET', url: '/trpc/user.me,user.me?batch=1', headers: { origin } }),
        ],
        [
          'legacy',
          await t.app.inject({ method: 'POST', url: '/index/goods/index', payload: {}, headers: { origin } }),
        ],
        ['unknown path', await t.app.inject({ method: 'GET', url: '/nowhere', headers: { origin } })],
        [
          'preflight',
          await t.app.inject({
            method: 'OPTIONS',
            url: '/trpc/user.me',
            headers: { origin, 'access-control-request-method': 'GET' },
          }),
        ],
      ];
      for (const [what, answer] of answers) {
        const vary = String(answer.headers.vary ?? '');
        expect(
          vary.split(/\s*,\s*/).map((v) => v.toLowerCase()),
          `${what} from ${origin}: ${vary}`,
        ).toContain('origin');
        expect(answer.headers['access-control-allow-origin'], what).toBe(
          origin === 'https://app.example.cn' ? origin : undefined,
        );
      }
      // tRPC's own Vary is kept beside it.
      expect(String(answers[0]?.[1].headers.vary)).toMatch(/trpc-accept/);
    }
  });
});
