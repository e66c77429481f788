import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, Haproxy } from '../support/instances.js';

const haproxyHere = await Haproxy.available();

/**
 * A request on a new connection: what came back once the answer's head has, or all that came before
 * the connection closed (nothing, for one refused as it was accepted, which may reset it first).
 */
function requestOn(port: number): { socket: Socket; answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1', () => {
    socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
  });
  let received = '';
  const answer = new Promise<string>((answered) => {
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.includes('\r\n\r\n')) answered(received);
    });
    socket.on('close', () => answered(received));
    socket.on('error', () => answered(received));
  });
  return { socket, answer };
}

/**
 * deploy/haproxy.cfg caps the connections one client address holds at once (MAX_CONN_PER_CLIENT):
 * past it a connection is closed as it is accepted, so one address cannot hold thousands of slow
 * connections open on the instances. Two stand-in instances answer 200 to everything (the cap is
 * HAProxy's alone).
 */
describe.runIf(haproxyHere)('HAProxy in front: connections per client address', () => {
  let instances: Server[];
  let balancer: Haproxy;
  let front: number;

  beforeAll(async () => {
    const [a, b, stats, frontPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    front = frontPort;
    instances = await Promise.all(
      [a, b].map(
        (port) =>
          new Promise<Server>((listening) => {
            const server = createServer((_req, res) => res.end('{"status":"ok"}'));
            server.listen(port, '127.0.0.1', () => listening(server));
          }),
      ),
    );
    balancer = new Haproxy(
      { front, stats },
      { INSTANCE_A: `127.0.0.1:${a}`, INSTANCE_B: `127.0.0.1:${b}` },
      '300ms',
      { MAX_CONN_PER_CLIENT: '3' },
    );
    await balancer.start();
    await balancer.waitFor('a', 'UP');
  }, 60_000);

  afterAll(async () => {
    await balancer?.stop();
    for (const server of instances ?? []) server.closeAllConnections();
    await Promise.all((instances ?? []).map((server) => new Promise((closed) => server.close(closed))));
  });

  it('closes a connection past the cap unanswered, and takes one again once another has closed', async () => {
    const held = [requestOn(front), requestOn(front), requestOn(front)];
    for (const { answer } of held) expect(await answer).toMatch(/^HTTP\/1\.1 200/);

    const past = requestOn(front);
    expect(await past.answer).toBe('');

    held[0]?.socket.destroy();
    // HAProxy counts the closed connection out as it sees it go.
    let again = '';
    for (let attempt = 0; attempt < 20 && again === ''; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const next = requestOn(front);
      again = await next.answer;
      next.socket.destroy();
    }
    expect(again).toMatch(/^HTTP\/1\.1 200/);
    for (const { socket } of held) socket.destroy();
  });
});
