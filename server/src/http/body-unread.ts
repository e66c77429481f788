import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A body this small is read to its end after the answer, as for any keep-alive request, rather than
 * cut off: it is most likely on its way already, and closing the connection would race the client's
 * write of it. The client's write then fails (EPIPE) and fetch reports a network error instead of
 * the answer it was sent (an anonymous upload's 401, say). It is given `smallBodyWaitMs` to arrive.
 */
const smallBodyBytes = 64 * 1024;
const smallBodyWaitMs = 10_000;

/**
 * Ends the connection after this answer when the request's body has not all arrived: a refusal
 * decided before the body was read (an upload past the client's cap, no login) or partway through
 * it (a form refused at its file).
 *
 * Left alone, Node keeps such a connection open: once the answer is sent, its HTTP server reads
 * the rest of the body to its end and throws it away (`req._dump()`), however long it is (up to
 * 50 MB a file) and however slowly it comes, with no wait limit watching it any more. So the
 * refused client kept its socket and the service read every byte it sent. With `Connection: close`
 * Node sends the whole answer, then closes the socket (`destroySoon`: FIN after the answer's last
 * byte); Fastify does the same for a body its own parser refuses. A small body is read instead,
 * within a time limit (above).
 */
export function closeIfBodyUnread(req: FastifyRequest, reply: FastifyReply): void {
  if (req.raw.complete || req.raw.readableEnded) return;
  const declared = Number(req.headers['content-length']);
  if (Number.isInteger(declared) && declared <= smallBodyBytes) {
    const timer = setTimeout(() => req.raw.destroy(), smallBodyWaitMs);
    timer.unref();
    const done = () => clearTimeout(timer);
    req.raw.once('end', done);
    req.raw.once('close', done);
    return;
  }
  reply.header('connection', 'close');
}
