import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface Finished {
  readonly code: number | null;
  readonly output: string;
}

/**
 * The environment of a command run as a user would run it: without what `npm test` and vitest put
 * there (`npm_package_*`, `npm_lifecycle_*`, the prefix it ran in, `NODE_ENV=test`, `VITEST*`), which
 * would steer a nested npm or make Vite build for development.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_|^npm_config_local_prefix$|^INIT_CWD$|^NODE_ENV$|^VITEST/.test(name))
      continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to its end; answers its exit code and its standard output and error, interleaved. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? userEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Runs a command that must succeed; a failure throws with everything it printed. */
export async function mustRun(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  const finished = await runCommand(command, args, options);
  if (finished.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited ${finished.code}:\n${finished.output}`,
    );
  }
  return finished.output;
}

/**
 * The service's entry point (`server/src/main.ts`, what `npm start` runs) as its own process, on a
 * fresh data folder and a free loopback port, `env` added; its standard output and error piped.
 */
export function spawnService(env: Record<string, string>): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'svc-main-')),
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts the service for a start that must fail: answers its exit code and what it printed on
 * standard error. One still running after 40 s is killed (its code then `SIGKILL`), so that a start
 * that succeeded after all fails its test instead of serving on after it.
 */
export async function failedStart(env: Record<string, string>): Promise<{ code: unknown; errors: string }> {
  const child = spawnService({ LOG_LEVEL: 'warn', ...env });
  let errors = '';
  child.stderr.on('data', (chunk) => {
    errors += chunk;
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const code = await new Promise((resolve) =>
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? signal)),
  );
  clearTimeout(guard);
  return { code, errors: errors.trim() };
}
