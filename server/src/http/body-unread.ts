import type { FastifyReply, FastifyRequest } from 'fastify';

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
 * byte); Fastify does the same for a body its own parser refuses.
 */
export function closeIfBodyUnread(req: FastifyRequest, reply: FastifyReply): void {
  if (!(req.raw.complete || req.raw.readableEnded)) reply.header('connection', 'close');
}
