import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** Starts the real entry point (`npm start` runs the same file) on a free port of the embedded stores. */
function startService(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'svc-main-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 20_000);
    const onData = () => {
      const match = output.match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve({ child, url: match[1], output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', () => reject(new Error(`service exited early:\n${output}`)));
  });
}

describe('the service process', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('migrates and serves on the embedded default, then on SIGTERM finishes requests in flight and exits 0', async () => {
    const service = await startService();
    child = service.child;
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => service.child.on('exit', (code) => resolve(code)));
    // A password login spends an argon2 verify, so it is still running when the signal arrives.
    const inFlight = fetch(`${service.url}/index/api/loginpassword`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '13800138000', password: 'whatever-1' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    service.child.kill('SIGTERM');

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ res: 0, err: '手机号或密码错误', data: '' });
    expect(await exited, service.output()).toBe(0);
    expect(service.output()).toContain('"msg":"stopped"');
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });
});
