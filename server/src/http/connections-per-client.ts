import type { Server } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { Config } from '../config.js';
import { rateSubjectOf } from '../kv/client-address.js';

/**
 * Caps the connections one client address (an IPv6 one by its /64) holds open at once; one more is
 * closed as it is accepted. Each costs a file descriptor, and Node bounds how long a connection may
 * take over its headers (60 s), not how many one address opens: a probe with no balancer in front
 * held 20,000 connections trickling a header line every 5 s, every descriptor the process had, and
 * every other client was refused. A balancer the service trusts (TRUST_PROXY) is not capped: all
 * clients arrive through it, and it caps each of them (deploy/haproxy.cfg, `MAX_CONN_PER_CLIENT`).
 */
export function capConnectionsPerClient(server: Server, max: number, trustProxy: Config['trustProxy']): void {
  // Every address trusted (true, or a hop count: the peer is always a proxy), or no cap: nothing to do.
  if (max === 0 || trustProxy === true || typeof trustProxy === 'number') return;
  const trusted = trustProxy === false ? () => false : proxyAddr.compile([...trustProxy]);
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress;
    if (!address || trusted(address, 0)) return;
    const client = rateSubjectOf(address);
    const count = (open.get(client) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(client, count);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left > 0) open.set(client, left);
      else open.delete(client);
    });
  });
}
