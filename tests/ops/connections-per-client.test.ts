import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { embedded } from '../support/backends.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

/** A connection that has begun a request and trickles it, as a slow-loris client does. */
async function trickling(port: number): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
  return { socket, closed };
}

/** Whether `closed` settles within `ms`. */
const within = (closed: Promise<void>, ms: number) =>
  Promise.race([
    closed.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);

/*
 * With no balancer in front, one address held 20,000 connections trickling a header line every 5 s
 * (Node bounds the headers' time, not how many connections): every file descriptor the process
 * had, and everyone else was refused. Past the cap, a connection is closed as it is accepted.
 */
describe('connections per client address', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('closes one more than the cap at once, and takes a new one when one has gone', async () => {
    t = await startTestApp(embedded, { MAX_CONNECTIONS_PER_CLIENT: '3' });
    const port = Number(new URL(await listen(t)).port);
    const held = await Promise.all([1, 2, 3].map(() => trickling(port)));
    const refused = await trickling(port);
    expect(await within(refused.closed, 2_000)).toBe(true);
    expect(await within(held[0]?.closed ?? Promise.resolve(), 300)).toBe(false);
    // One of the three goes: the address may open another, which is answered.
    held[0]?.socket.destroy();
    await held[0]?.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    for (const { socket } of held) socket.destroy();
  });

  it('does not cap a balancer the service trusts, through which every client arrives', async () => {
    t = await startTestApp(embedded, { MAX_CONNECTIONS_PER_CLIENT: '3', TRUST_PROXY: '127.0.0.1' });
    const port = Number(new URL(await listen(t)).port);
    const held = await Promise.all([1, 2, 3, 4, 5].map(() => trickling(port)));
    expect(await within(Promise.race(held.map((connection) => connection.closed)), 500)).toBe(false);
    for (const { socket } of held) socket.destroy();
  });
});
