import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { spawnService } from '../support/processes.js';

/** Starts the real entry point (`npm start` runs the same file) on a free port of the embedded stores. */
function startService(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawnService({ LOG_LEVEL: 'info', ...env });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    // Generous: on a shared two-core machine under load, tsx's first start takes a while.
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 50_000);
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

  it('migrates and serves on the embedded default, then on SIGTERM finishes requests in flight and exits 0', {
    timeout: 60_000,
  }, async () => {
    const service = await startService();
    child = service.child;
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => service.child.on('exit', (code) => resolve(code)));
    // A request whose body is only half sent when the signal arrives is surely in flight.
    const body = JSON.stringify({ phone: '13800138000' });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${service.url}/index/api/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => {
        service.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(5)), 200);
      }, 200);
    });

    const finished = await answer;
    expect(finished.status).toBe(200);
    expect(JSON.parse(finished.body)).toEqual({ res: 1, err: '', data: '' });
    expect(await exited, service.output()).toBe(0);
    expect(service.output()).toContain('"msg":"stopped"');
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });

  it('on SIGTERM answers /readyz 503 first and keeps serving for SHUTDOWN_DELAY_MS, then stops', {
    timeout: 60_000,
  }, async () => {
    const service = await startService({ SHUTDOWN_DELAY_MS: '1500' });
    child = service.child;
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => service.child.on('exit', (code) => resolve(code)));
    const signalled = Date.now();
    service.child.kill('SIGTERM');
    await eventually(
      () => fetch(`${service.url}/readyz`).then((r) => r.status),
      (status) => status === 503,
      1000,
    );
    // Not ready, but alive and serving: a balancer still sending requests gets answers.
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const sms = await fetch(`${service.url}/index/api/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '13900139000' }),
    });
    expect(await sms.json()).toEqual({ res: 1, err: '', data: '' });
    expect(await exited, service.output()).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1500);
    expect(service.output()).toContain('still serving while balancers notice');
  });
});
