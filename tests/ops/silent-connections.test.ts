import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedded } from '../support/backends.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

/** Whether the server closed the connection within `ms`. */
function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/*
 * A connection that never sends a byte held a file descriptor for good: 20,000 of them and the
 * instance refused everyone. It is closed after SILENT_CONNECTION_MS; one that has begun a request,
 * or waits between requests, is not cut by it.
 */
describe('connections that send nothing', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp(embedded, { SILENT_CONNECTION_MS: '300' });
    port = Number(new URL(await listen(t)).port);
  });
  afterAll(() => t.close());

  const connect = async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    return socket;
  };

  it('are closed once the limit has passed', async () => {
    const silent = await connect();
    expect(await closedWithin(silent, 3_000)).toBe(true);
  });

  it('leave a connection that has sent a request open, for its next one', async () => {
    const socket = await connect();
    let answers = '';
    socket.on('data', (chunk) => {
      answers += String(chunk);
    });
    const ask = () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    ask();
    expect(await closedWithin(socket, 1_000)).toBe(false);
    ask();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answers.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    socket.destroy();
  });
});
