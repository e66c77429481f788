import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { benchSecret } from './data.js';
import type { BenchOptions } from './options.js';

/** Core the servers run on; the load generator (this process) takes the other one. */
export const serverCore = 0;
export const loadCore = 1;

let tasksetAvailable: boolean | undefined;

/** util-linux `taskset`, when installed and the machine has two cores to split. */
export function canPin(): boolean {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetAvailable = availableParallelism() >= 2;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}

/** Pins this process (every thread: autocannon's and libuv's) to the load generator's core. */
export function pinSelf(): void {
  if (canPin())
    execFileSync('taskset', ['-a', '-cp', String(loadCore), String(process.pid)], { stdio: 'ignore' });
}

/** Where the bench keeps its files: the servers' logs and data, profiles, the last results. */
export const workDir = path.resolve('.tmp/bench');

/** The service's environment: production mode, the bench's stores and secret, then any overrides. */
export function serviceEnv(
  options: Pick<BenchOptions, 'databaseUrl' | 'redisUrl' | 'env'>,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    APP_SECRET: benchSecret,
    DATA_DIR: path.join(workDir, 'data'),
    // Production refuses the console SMS provider; no variant sends an SMS.
    SMS_PROVIDER: 'webhook',
    SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms',
    // Every bench login comes from 127.0.0.1; the per-IP cap counts attempts in flight, so the
    // login scenario's queue would trip it and turn logins into cheap refusals.
    LIMIT_LOGIN_FAIL_PER_IP_HOUR: '1000000',
    // Likewise every search comes from 127.0.0.1, 50 at a time: the per-IP cap on searches in
    // flight would turn most into cheap refusals (which answer res 0 with HTTP 200).
    LIMIT_TITLE_SEARCHES_PER_IP: '1000000',
    // And the upload scenario sends 20 at once from 127.0.0.1, past the per-client cap on uploads.
    UPLOADS_PER_CLIENT: '1000000',
    // And one member sends every upload of every sample, past the per-user hourly cap.
    LIMIT_UPLOAD_PER_USER_HOUR: '1000000',
    ...options.env,
    ...overrides,
  };
}

interface Reply {
  id: number;
  [key: string]: unknown;
}

/**
 * Node flags every bench server runs with: the ones `npm start` gives the service (a 64 MB young
 * generation, see the README), and the baselines the same, so ratios compare code, not runtimes.
 */
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=64'];

/** A bench server forked as its own process (pinned to the server core), driven over IPC. */
export class ServerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: Reply) => {
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.(message);
    });
  }

  static async start(
    name: string,
    script: string,
    env: Record<string, string>,
    options: {
      pinned?: boolean;
      nodeFlags?: readonly string[];
      /** A program Node runs under (`valgrind ...`), which also makes starting slow. */
      wrapper?: readonly string[];
      startTimeoutMs?: number;
    } = {},
  ): Promise<ServerProcess> {
    const logDir = path.join(workDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    // The service logs as in production, to a file: what a log shipper would read.
    const out = openSync(path.join(logDir, `${name}.log`), 'w');
    const flags = options.nodeFlags ?? serverNodeFlags;
    const node = [
      ...(options.wrapper ?? []),
      process.execPath,
      ...flags,
      '--import',
      'tsx',
      path.resolve('bench/servers', script),
    ];
    const pinned = (options.pinned ?? true) && canPin();
    const [command, ...args] = pinned ? ['taskset', '-c', String(serverCore), ...node] : node;
    const child = spawn(command as string, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out, 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start; see ${logDir}/${name}.log`)),
        options.startTimeoutMs ?? 60_000,
      );
      child.once('exit', (code) =>
        reject(new Error(`${name} exited with ${code}; see ${logDir}/${name}.log`)),
      );
      child.on('message', (message: { type?: string; port?: number }) => {
        if (message.type === 'ready' && message.port) {
          clearTimeout(timer);
          resolve(message.port);
        }
      });
    });
    child.removeAllListeners('exit');
    return new ServerProcess(name, port, child);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  private ask(message: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...message, id });
    });
  }

  /** The server's own CPU time so far (user + system, all its threads) and its resident memory. */
  async usage(): Promise<{ cpuMicros: number; rss: number }> {
    const reply = await this.ask({ type: 'usage' });
    return { cpuMicros: reply.cpuMicros as number, rss: reply.rss as number };
  }

  /** Starts sampling RSS every 5 ms; answers the RSS at the start. */
  async watchRss(): Promise<number> {
    return (await this.ask({ type: 'rss-watch' })).rss as number;
  }

  async peakRss(): Promise<number> {
    return (await this.ask({ type: 'rss-peak' })).rss as number;
  }

  async startProfile(): Promise<void> {
    await this.ask({ type: 'profile-start' });
  }

  async stopProfile(file: string): Promise<void> {
    await this.ask({ type: 'profile-stop', file });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
