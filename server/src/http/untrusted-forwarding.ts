import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/**
 * Behind a balancer without TRUST_PROXY, every client has the balancer's address, so the per-IP
 * limits (SMS, failed logins, anonymous uploads, MAX_CONNECTIONS_PER_CLIENT) count all clients as
 * one and one client's failures lock out everyone. A forwarded request shows it: said once per instance, on the first.
 * (A client reaching the instance directly can send the header too; the warning says "if".)
 */
export function warnOnceOfUntrustedForwarding() {
  let warned = false;
  return (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (!warned && req.headers['x-forwarded-for'] !== undefined) {
      warned = true;
      req.log.warn(
        { ip: req.ip },
        'a request came through a proxy (X-Forwarded-For) but TRUST_PROXY is unset: if this instance is behind a balancer, set TRUST_PROXY to its address, or the per-IP limits (and the connection cap) count every client as one',
      );
    }
    done();
  };
}
