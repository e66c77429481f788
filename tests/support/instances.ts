import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** A free loopback port, the OS's pick or `port` when it is free (else rejects), released for the caller to take. */
export function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Waits until `check` answers true (a throw counts as false), or throws `${what} within N ms`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One instance of the service as its own process: the real entry point, started the way `npm
 * start` starts it, on a fixed port (the balancer's configuration names it).
 */
export class ServiceInstance {
  private child: ChildProcess | undefined;
  private log = '';
  readonly url: string;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Everything the instance wrote, across restarts. */
  get output(): string {
    return this.log;
  }

  /** Starts the process and resolves once it listens and `/readyz` answers 200. */
  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      ['--max-semi-space-size=64', '--import', 'tsx', 'server/src/main.ts'],
      {
        env: {
          PATH: process.env.PATH,
          DATA_DIR: mkdtempSync(path.join(tmpdir(), `svc-${this.name}-`)),
          ...this.env,
          PORT: String(this.port),
          HOST: '127.0.0.1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.log += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    // Generous: a cold tsx start plus migrations takes a while on a busy two-core machine.
    await until(
      async () => {
        if (exited) throw new Error(`instance ${this.name} exited while starting`);
        return (await fetch(`${this.url}/readyz`)).status === 200;
      },
      `instance ${this.name} was not ready`,
      90_000,
    ).catch((error: Error) => {
      const reason = exited ? `instance ${this.name} exited while starting` : error.message;
      throw new Error(`${reason}:\n${this.log.slice(-4000)}`);
    });
  }

  /** Sends the signal and answers the exit code once the process has ended. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }
}

/** Debian's HAProxy running deploy/haproxy.cfg in the foreground, its addresses from the environment. */
export class Haproxy {
  private child: ChildProcess | undefined;
  private log = '';
  readonly url: string;
  readonly statsUrl: string;

  constructor(
    private readonly ports: { front: number; stats: number },
    private readonly instances: Record<'INSTANCE_A' | 'INSTANCE_B', string>,
    private readonly checkInterval: string,
    /** More of the configuration's settings (`MAX_CONN_PER_CLIENT`). */
    private readonly settings: Record<string, string> = {},
  ) {
    this.url = `http://127.0.0.1:${ports.front}`;
    this.statsUrl = `http://127.0.0.1:${ports.stats}/`;
  }

  static async available(): Promise<boolean> {
    return promisify(execFile)('haproxy', ['-v']).then(
      () => true,
      () => false,
    );
  }

  async start(): Promise<void> {
    const child = spawn('haproxy', ['-db', '-f', 'deploy/haproxy.cfg'], {
      env: {
        PATH: process.env.PATH,
        HAPROXY_BIND: `127.0.0.1:${this.ports.front}`,
        HAPROXY_STATS_BIND: `127.0.0.1:${this.ports.stats}`,
        CHECK_INTERVAL: this.checkInterval,
        ...this.settings,
        ...this.instances,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.log += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.log += chunk.toString();
    });
    await until(async () => (await fetch(this.statsUrl)).ok, 'HAProxy did not start').catch(
      (error: Error) => {
        throw new Error(`${error.message}:\n${this.log}`);
      },
    );
  }

  /** Each server's state as HAProxy sees it (`UP`, `DOWN`, `UP 1/2`, ...), from its stats CSV. */
  async serverStates(): Promise<Record<string, string>> {
    const csv = await (await fetch(`${this.statsUrl};csv`)).text();
    const states: Record<string, string> = {};
    for (const line of csv.split('\n')) {
      const [proxy, server, ...rest] = line.split(',');
      if (proxy === 'instances' && server && server !== 'BACKEND' && server !== 'FRONTEND') {
        states[server] = rest[15] ?? '';
      }
    }
    return states;
  }

  /**
   * The backend's trouble counters: connections to an instance that failed, responses that failed,
   * and requests HAProxy had to retry or send to another instance. All zero: it never had to rescue
   * a request.
   */
  async backendTrouble(): Promise<Record<'econ' | 'eresp' | 'wretr' | 'wredis', number>> {
    const csv = await (await fetch(`${this.statsUrl};csv`)).text();
    const header = (csv.split('\n')[0] ?? '').replace(/^# /, '').split(',');
    const row =
      csv
        .split('\n')
        .find((line) => line.startsWith('instances,BACKEND,'))
        ?.split(',') ?? [];
    const column = (name: string) => Number(row[header.indexOf(name)] || 0);
    return { econ: column('econ'), eresp: column('eresp'), wretr: column('wretr'), wredis: column('wredis') };
  }

  /** Waits until HAProxy shows the server in the given state (fully UP, or DOWN). */
  async waitFor(server: string, state: 'UP' | 'DOWN', timeoutMs = 20_000): Promise<void> {
    await until(
      async () => (await this.serverStates())[server] === state,
      `HAProxy did not see ${server} ${state}`,
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** The SMS gateway the instances post to (SMS_PROVIDER=webhook): keeps each phone's codes. */
export class SmsInbox {
  private readonly codes = new Map<string, string[]>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const message = JSON.parse(body) as { phone: string; code: string };
        this.codes.set(message.phone, [...(this.codes.get(message.phone) ?? []), message.code]);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sms`;
    this.server = server;
  }

  lastCodeFor(phone: string): string {
    const code = this.codes.get(phone)?.at(-1);
    if (!code) throw new Error(`no SMS sent to ${phone}`);
    return code;
  }

  /** How many messages the gateway took, over all phones. */
  get count(): number {
    let n = 0;
    for (const codes of this.codes.values()) n += codes.length;
    return n;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
