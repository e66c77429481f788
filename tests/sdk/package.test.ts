import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTable } from '../../server/src/errors.js';
import { loginBySms } from '../support/auth-flow.js';
import { embedded } from '../support/backends.js';
import { type HeadlessChromium, hasChromium, launchChromium } from '../support/chromium.js';
import { freePort } from '../support/instances.js';
import { approveDemand, postDemand } from '../support/marketplace-flow.js';
import { type Finished, mustRun, runCommand, userEnv } from '../support/processes.js';
import { listen, randomPhone, startTestApp, type TestApp } from '../support/test-app.js';

const repository = path.resolve(import.meta.dirname, '../..');
const sdk = path.join(repository, 'client-sdk');
const packageName = '@marketplace/client-sdk';

/**
 * The SDK as another project gets it: `npm pack` in client-sdk/ (which builds it), installed from
 * the tarball into folders outside this repository, where nothing of the server can be reached.
 * A script compiles against it under strict and runs against a server; the React example builds
 * and runs in headless chromium.
 */
describe('client-sdk, packed and installed outside the repository', () => {
  let work: string;
  let tarball: string;
  let t: TestApp;
  let url: string;
  let title: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'sdk-package-'));
    const packed = await mustRun('npm', ['pack', '--pack-destination', work], { cwd: sdk });
    tarball = path.join(work, packed.trim().split('\n').at(-1) ?? '');
    t = await startTestApp(embedded);
    url = await listen(t);
    const company = await loginBySms(t, randomPhone(), 2);
    title = `微信小程序开发 ${Date.now() % 100_000}`;
    await approveDemand(t, await postDemand(t, company, { title }));
  }, 600_000);
  afterAll(async () => {
    await t?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A new project folder holding the given files, with the tarball and `extra` installed. */
  async function installInto(name: string, manifest: Record<string, unknown>): Promise<string> {
    const dir = path.join(work, name);
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await mustRun('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir });
    return dir;
  }
  const tsc = (dir: string, config: string) =>
    runCommand(process.execPath, [path.join(dir, 'node_modules/typescript/bin/tsc'), '-p', config], {
      cwd: dir,
    });

  describe('in a script', () => {
    let project: string;
    /** A proxy in front of nothing, answering with its own pages (consumer.ts says which). */
    let balancer: Server;
    let balancerUrl: string;
    const balancerSaw: string[] = [];
    /** The consumer compiled as its tsconfig says (emitting out/), and the wrong input alone. */
    let strict: Finished;
    let wrong: Finished;
    beforeAll(async () => {
      cpSync(path.join(import.meta.dirname, 'consumer'), path.join(work, 'script'), { recursive: true });
      // The server's codes as the consumer's error-codes.ts compares them with the SDK's.
      writeFileSync(
        path.join(work, 'script', 'server-codes.ts'),
        `export const serverCodes = ${JSON.stringify(Object.keys(errorTable))} as const;\n`,
      );
      const typescript = JSON.parse(
        readFileSync(path.join(repository, 'node_modules/typescript/package.json'), 'utf8'),
      ) as { version: string };
      project = await installInto('script', {
        name: 'sdk-consumer',
        private: true,
        type: 'module',
        dependencies: { [packageName]: `file:${tarball}`, typescript: typescript.version },
      });
      balancer = createHttpServer((req, res) => {
        balancerSaw.push(req.url ?? '');
        req.resume();
        const upload = req.url?.endsWith('/api/uploads') ?? false;
        if (req.url?.startsWith('/json/')) {
          res.writeHead(413, { 'content-type': 'application/json' }).end('{"error":"Payload Too Large"}');
        } else {
          const status = upload ? 413 : 502;
          res.writeHead(status, { 'content-type': 'text/html' }).end(`<html><h1>${status}</h1></html>`);
        }
      });
      balancerUrl = await new Promise<string>((resolve) =>
        balancer.listen(0, '127.0.0.1', () => {
          const address = balancer.address();
          resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
        }),
      );
      // Both at once: each loads the router's types, which takes a while.
      [strict, wrong] = await Promise.all([
        tsc(project, 'tsconfig.json'),
        tsc(project, 'tsconfig.wrong.json'),
      ]);
    }, 600_000);
    afterAll(() => {
      balancer?.close();
    });

    it('holds built ESM and one bundled declaration file, and nothing of the server', async () => {
      const listing = await mustRun('tar', ['-tzf', tarball], { cwd: work });
      expect(listing.trim().split('\n').sort()).toEqual([
        'package/README.md',
        'package/dist/index.d.ts',
        'package/dist/index.js',
        'package/dist/react.d.ts',
        'package/dist/react.js',
        'package/package.json',
      ]);
      const installed = path.join(project, 'node_modules', packageName);
      const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      expect(Object.keys(manifest.dependencies).sort()).toEqual(['@trpc/client', 'superjson']);
      const importsOf = (file: string) =>
        [...readFileSync(path.join(installed, file), 'utf8').matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)]
          .map((match) => match[1])
          .sort();
      expect(new Set(importsOf('dist/index.js'))).toEqual(new Set(['@trpc/client', 'superjson']));
      expect(new Set(importsOf('dist/index.d.ts'))).toEqual(new Set(['@trpc/client', '@trpc/server']));
      expect(new Set(importsOf('dist/react.d.ts'))).toEqual(
        new Set(['@tanstack/react-query', '@trpc/tanstack-react-query', 'react', packageName]),
      );
      // What the server runs on never came along.
      for (const serverOnly of ['fastify', 'kysely', 'zod', 'ioredis', 'pino', 'better-sqlite3']) {
        expect(existsSync(path.join(project, 'node_modules', serverOnly)), serverOnly).toBe(false);
      }
    });

    it('type-checks a consumer under strict, with no skipLibCheck, knowing every code of the server', () => {
      expect(strict.output).toBe('');
      expect(strict.code).toBe(0);
    });

    it('refuses a wrong input type at compile time', () => {
      expect(wrong.code).not.toBe(0);
      expect(wrong.output).toMatch(
        /wrong-input\.ts\(5,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
      );
      // That one line, and nothing else.
      expect(wrong.output.match(/error TS/g)).toHaveLength(1);
    });

    it('runs against a server: procedures, uploads and errors through one idiom', async () => {
      const session = await loginBySms(t);
      const output = await mustRun(
        process.execPath,
        [path.join(project, 'out/consumer.js'), url, session.token, balancerUrl],
        { cwd: project },
      );
      expect(JSON.parse(output)).toEqual({
        total: 1,
        firstTitle: title,
        firstCreatedAtIsDate: true,
        anonymousMe: 'UNAUTHENTICATED',
        anonymousUpload: 'UNAUTHENTICATED',
        meId: Number(session.userId),
        meCreatedAtIsDate: true,
        many: 12,
        uploaded: { mime: 'image/png', createdAtIsDate: true },
        fromBytes: {
          view: { mime: 'image/png', size: 102 },
          arrayBuffer: { mime: 'image/png', size: 102 },
          part: { mime: 'image/png', size: 102 },
        },
        textUpload: 'UPLOAD_TYPE_NOT_ALLOWED',
        wrongPassword: 'LOGIN_FAILED',
        // The demand does not exist: refused NOT_FOUND, so nothing was narrowed to BALANCE_TOO_LOW.
        narrowed: null,
        anonymousMeStatus: 401,
        abortedUpload: {
          name: 'TRPCClientError',
          cause: 'AbortError',
          code: null,
          status: null,
          message: expect.any(String),
        },
        // Named by status, type and path: not a JSON parse error, not "Unknown error".
        proxyPage: {
          name: 'TRPCClientError',
          cause: 'Error',
          code: null,
          status: 502,
          message: `HTTP 502 Bad Gateway (text/html) from ${balancerUrl}/html/trpc/demands.list instead of the service's answer: a proxy's error page, or a wrong url?`,
        },
        // JSON of another shape, named alike: not tRPC's "Unable to transform response from server".
        foreignJson: {
          proxy: expect.objectContaining({
            code: null,
            status: 413,
            message: `HTTP 413 Payload Too Large (application/json) from ${balancerUrl}/json/trpc/demands.list instead of the service's answer: a proxy's error page, or a wrong url?`,
          }),
          wrongPath: expect.objectContaining({
            code: null,
            status: 404,
            message: `HTTP 404 Not Found (application/json) from ${url}/api/trpc/demands.list instead of the service's answer: a proxy's error page, or a wrong url?`,
          }),
        },
        proxyUpload: {
          html: expect.objectContaining({
            code: null,
            status: 413,
            message: expect.stringMatching(
              /^HTTP 413 Payload Too Large \(text\/html\) from .*\/html\/api\/uploads /,
            ),
          }),
          json: expect.objectContaining({
            code: null,
            status: 413,
            message: expect.stringMatching(
              /^HTTP 413 Payload Too Large \(application\/json\) from .*\/json\/api\/uploads /,
            ),
          }),
        },
      });
      // The aborted upload never left.
      expect(balancerSaw.filter((sent) => sent.startsWith('/aborted'))).toEqual([]);
    }, 60_000);

    it('runs from a CommonJS project too, compiled and required', async () => {
      const output = await mustRun(process.execPath, [path.join(project, 'out/commonjs.cjs'), url], {
        cwd: project,
      });
      expect(JSON.parse(output.trim().split('\n').at(-1) ?? '')).toEqual({ total: 1 });
    });
  });

  describe('the React example, built by Vite and run in headless chromium', () => {
    let example: string;
    let chromium: HeadlessChromium;
    let preview: ChildProcess | undefined;
    /** Where `vite preview` serves the built app: an origin of its own, so calls to the service are CORS. */
    let origin: string;
    beforeAll(async () => {
      const source = path.join(sdk, 'examples/react');
      cpSync(source, path.join(work, 'react'), {
        recursive: true,
        filter: (file) => !/[/\\](node_modules|dist)$/.test(file),
      });
      const manifest = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      example = await installInto('react', {
        ...manifest,
        dependencies: { ...manifest.dependencies, [packageName]: `file:${tarball}` },
      });
      // The build's `tsc` checks the README's code too, as a frontend would paste it.
      writeReadmeCode(path.join(example, 'src'));
      await mustRun('npm', ['run', 'build'], { cwd: example, env: userEnv({ VITE_API_URL: url }) });
      if (!hasChromium) return;
      chromium = await launchChromium('sdk-example');
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      preview = spawn(
        process.execPath,
        [
          'node_modules/vite/bin/vite.js',
          'preview',
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--strictPort',
        ],
        { cwd: example, env: userEnv(), stdio: 'ignore' },
      );
      await waitUntilServed(origin, preview);
    }, 600_000);
    afterAll(async () => {
      preview?.kill();
      await chromium?.close();
    });

    it('type-checks against the packed SDK, with the README code, and builds', () => {
      expect(
        readdirSync(path.join(example, 'src')).filter((file) => file.startsWith('readme-')),
      ).toHaveLength(6);
      expect(readFileSync(path.join(example, 'dist/index.html'), 'utf8')).toContain('/assets/');
    });

    it.skipIf(!hasChromium)(
      'shows the public demand list and logs in by SMS code, over CORS from its own origin',
      async () => {
        const page = await chromium.browser.newPage();
        const problems: string[] = [];
        const elsewhere: string[] = [];
        page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console: ${message.text()}`);
        });
        page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
        page.on('request', (request) => {
          if (!request.url().startsWith(origin) && !request.url().startsWith(url)) {
            elsewhere.push(request.url());
          }
        });
        const shown = (text: string) =>
          page
            .getByText(text)
            .waitFor({ timeout: 20_000 })
            .catch(async (error: unknown) => {
              throw new Error(`${String(error)}\n${problems.join('\n')}\n${await page.content()}`);
            });

        await page.goto(`${origin}/`);
        await shown(title);
        // Money in yuan from integer fen, and a Date shown on Beijing's calendar.
        expect(await page.getByRole('region', { name: 'Demands' }).textContent()).toContain(
          `${title} · ¥1500.50 · from 2026/12/1`,
        );

        const phone = randomPhone();
        await page.getByLabel('Phone').fill(phone);
        await page.getByRole('button', { name: 'Send code' }).click();
        await shown('Code sent');
        const code = t.sms.lastCodeFor(phone);

        await page.getByLabel('Code').fill(code === '000000' ? '111111' : '000000');
        await page.getByRole('button', { name: 'Log in' }).click();
        await shown('(SMS_CODE_INVALID)');

        await page.getByLabel('Code').fill(code);
        await page.getByRole('button', { name: 'Log in' }).click();
        await shown(`Logged in as ${phone} (person)`);
        // The token getter reads what the app stored: a reload stays logged in.
        await page.reload();
        await shown(`Logged in as ${phone} (person)`);
        await page.getByRole('button', { name: 'Log out' }).click();
        await page.getByRole('button', { name: 'Send code' }).waitFor();

        // The wrong code's refusal is a 4xx the browser reports as a failed resource, nothing else.
        expect(problems.filter((problem) => !problem.includes('status of 400'))).toEqual([]);
        expect(elsewhere).toEqual([]);
        await page.close();
      },
      90_000,
    );
  });
});

/**
 * client-sdk/README.md's code blocks as source files: the first `ts` block (the usage, which makes
 * `api` and `connection`) stands alone and goes before each later one; a `tsx` block stands alone.
 */
function writeReadmeCode(dir: string): void {
  const readme = readFileSync(path.join(sdk, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```(tsx?)\n([\s\S]*?)```/g)].map(([, lang, code = '']) => ({
    lang,
    code,
  }));
  const [usage, ...others] = blocks.filter((block) => block.lang === 'ts');
  // What the snippets leave to the app around them.
  const surroundings = [
    'declare const input: HTMLInputElement;',
    'declare const applicationId: number;',
    'declare const archive: { url: string };',
    'declare function showTopUpDialog(): void;',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'readme-0.ts'), `${usage?.code}export {};\n`);
  others.forEach((block, i) => {
    writeFileSync(path.join(dir, `readme-${i + 1}.ts`), `${usage?.code}${surroundings}${block.code}`);
  });
  blocks
    .filter((block) => block.lang === 'tsx')
    .forEach((block, i) => {
      writeFileSync(path.join(dir, `readme-react-${i}.tsx`), block.code);
    });
}

async function waitUntilServed(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`vite preview exited with ${server.exitCode}`);
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`nothing served at ${url} within 30 s`);
}
