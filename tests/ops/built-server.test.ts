import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsInbox } from '../../client-sdk/examples/local-server.js';
import { createClient } from '../../client-sdk/index.js';
import { mustRun, userEnv } from '../support/processes.js';
import { randomPhone } from '../support/test-app.js';

const repository = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(repository, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
const dist = path.join(repository, 'dist');

/**
 * The server as production runs it: `npm run build:server`, then the `npm run start:prod` command,
 * plain Node with no TypeScript loader, migrating from the compiled migrations.
 */
describe('the built server (dist/)', () => {
  const inbox = new SmsInbox();
  let dataDir: string;
  let server: ChildProcess;
  let url: string;
  let output = '';

  beforeAll(async () => {
    await mustRun('npm', ['run', 'build:server'], { cwd: repository });
    const webhook = await inbox.start(0);
    dataDir = mkdtempSync(path.join(tmpdir(), 'svc-built-'));
    // The very command of `npm run start:prod`, run as npm runs it (`sh -c`), with this Node.
    server = spawn('sh', ['-c', manifest.scripts['start:prod'] ?? ''], {
      cwd: repository,
      env: userEnv({
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        APP_SECRET: 'built-server-test-secret-0123456789abcdef',
        SMS_PROVIDER: 'webhook',
        SMS_WEBHOOK_URL: webhook,
        LOG_LEVEL: 'info',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    server.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the built server did not start:\n${output}`)), 30_000);
      server.stdout?.on('data', () => {
        const listening = output.match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
        if (listening) {
          clearTimeout(timer);
          resolve(listening);
        }
      });
      server.on('exit', (code) => reject(new Error(`the built server exited with ${code}:\n${output}`)));
    });
  }, 600_000);
  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    await inbox.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports only runtime dependencies and Node built-ins: no tsx, no TypeScript', async () => {
    // Every file the server, its CLIs and its migrations load, followed by esbuild without writing.
    const migrations = readdirSync(path.join(dist, 'migrations'))
      .filter((file) => file.endsWith('.js'))
      .map((file) => path.join(dist, 'migrations', file));
    const entryPoints = ['main.js', 'cli/admin.js', 'db/migrate-cli.js']
      .map((file) => path.join(dist, 'server/src', file))
      .concat(migrations);
    const traced = await build({
      entryPoints,
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      metafile: true,
      outdir: path.join(tmpdir(), 'unused'),
      logLevel: 'silent',
    });
    const packages = new Set<string>();
    for (const input of Object.values(traced.metafile.inputs)) {
      for (const { path: specifier, external } of input.imports) {
        if (!external || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier));
      }
    }
    expect(packages.size).toBeGreaterThan(5);
    expect([...packages].filter((name) => !(name in manifest.dependencies))).toEqual([]);
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
    expect(Object.keys(manifest.dependencies)).not.toContain('typescript');
  }, 60_000);

  it('names the compiled CLI in its usage, where `npm run admin` is gone with tsx', async () => {
    const help = await mustRun(process.execPath, ['dist/server/src/cli/admin.js', 'help'], {
      cwd: repository,
      env: userEnv({ DATA_DIR: dataDir }),
    });
    expect(help).toMatch(/^usage: node dist\/server\/src\/cli\/admin\.js <command> \[options\]/);
  });

  it('migrated from the compiled migrations and is ready', async () => {
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', kv: 'ok' });
  });

  it('serves both doors: a legacy SMS login, then the typed API with its token', async () => {
    const phone = randomPhone();
    const legacy = async (route: string, fields: Record<string, string>) =>
      (await (
        await fetch(`${url}${route}`, { method: 'POST', body: new URLSearchParams(fields) })
      ).json()) as { res: number; err: string; data: unknown };

    expect(await legacy('/index/api/sms', { phone })).toEqual({ res: 1, err: '', data: '' });
    const login = await legacy('/index/api/loginphone', {
      phone,
      smscode: await inbox.codeFor(phone),
      usertype: '2',
    });
    expect(login.res).toBe(1);
    const { user_id: userId, token } = login.data as { user_id: number; token: string };

    const api = createClient({ url, token });
    const me = await api.user.me.query();
    expect(me).toMatchObject({ id: Number(userId), phone, userType: 'company' });
    expect(me.createdAt).toBeInstanceOf(Date);
    expect(await api.demands.list.query({ page: 1 })).toMatchObject({ items: [], total: 0 });

    // And the legacy door reads what the typed one wrote.
    await api.account.updateProfile.mutate({ email: 'built@example.com' });
    const info = await legacy('/user/info/info', { user_id_check: String(userId), token_check: token });
    expect(info).toMatchObject({ res: 1, data: { email: 'built@example.com' } });
  });

  it('stops, draining, on a SIGTERM to the process npm started: the script execs Node', async () => {
    // Without `exec` the shell took the signal and died, and the server went on serving, an
    // orphan: a process manager's stop, or a rolling restart, never reached it.
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    expect(output).toContain('shutting down');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
