import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * What the example needs around the SDK: somewhere SMS codes arrive, an admin account, and (when
 * no URL is given) a server of its own. Nothing here is part of the SDK.
 */

/** The service's `SMS_PROVIDER=webhook` POSTs `{phone, code, text}` here; the example reads the codes. */
export class SmsInbox {
  private readonly codes = new Map<string, string>();
  private readonly waiting = new Map<string, (code: string) => void>();
  private server: Server | undefined;

  async start(port: number): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        try {
          const { phone, code } = JSON.parse(body) as { phone: string; code: string };
          this.codes.set(phone, code);
          this.waiting.get(phone)?.(code);
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
  }

  /** The code last texted to the phone, waiting for it if it has not arrived yet. */
  codeFor(phone: string, timeoutMs = 10_000): Promise<string> {
    const known = this.codes.get(phone);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no SMS code for ${phone} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiting.set(phone, (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs a TypeScript entry point of the service the way `npm start` / `npm run admin` do. */
function runTs(entry: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // Embedded stores only: a MySQL or Redis named in the shell is not the example's to write to.
  const { DATABASE_URL: _database, REDIS_URL: _redis, ...inherited } = process.env;
  return spawn(process.execPath, ['--import', 'tsx', path.join(repository, entry), ...args], {
    cwd: repository,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface LocalServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A throwaway service on the embedded stores: `npm run admin -- create-admin`, then `npm start`,
 * with SMS codes going to the inbox. Its data lives in a temporary folder, removed on stop.
 */
export async function startLocalServer(options: {
  smsWebhookUrl: string;
  admin: { phone: string; password: string };
}): Promise<LocalServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'marketplace-example-'));
  const port = await freePort();
  const env = {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    SMS_PROVIDER: 'webhook',
    SMS_WEBHOOK_URL: options.smsWebhookUrl,
    LOG_LEVEL: 'warn',
  };
  const admin = runTs(
    'server/src/cli/admin.ts',
    ['create-admin', '--phone', options.admin.phone, '--password', options.admin.password],
    env,
  );
  const adminOutput = collect(admin);
  const adminExit = await new Promise<number | null>((resolve) => admin.on('exit', resolve));
  if (adminExit !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`create-admin failed:\n${adminOutput()}`);
  }

  const server = runTs('server/src/main.ts', [], env);
  const serverOutput = collect(server);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  // Generous: a busy CI machine transpiles and migrates slowly.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited:\n${serverOutput()}`);
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not get ready:\n${serverOutput()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function collect(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return () => output;
}
