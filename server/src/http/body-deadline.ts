import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from '../errors.js';

/**
 * A body that is not a multipart form (JSON, a urlencoded form: at most 1 MB) must have arrived
 * `limitMs` after its headers (BODY_WAIT_LIMIT_MS). Nothing else bounds it: Node's request timeout
 * is off for the sake of uploads (http/body-watch.ts), so a client sending a byte now and then
 * kept its connection, and whatever it had sent of up to 1 MB buffered for the parser, as long as
 * it liked: hundreds of such connections held hundreds of megabytes, for good. With a deadline,
 * memory held that way is bounded by what the client sends within it.
 *
 * Past the deadline a body still being read is refused (BODY_TIMEOUT, HTTP 408; the answer closes
 * the connection, http/body-unread.ts); one whose request was answered without it (a GET's body,
 * which Node goes on reading only to throw it away) has its connection closed. Multipart forms
 * have limits of their own, which leave out the time the service makes an upload wait.
 */
export function bodyDeadline(limitMs: number) {
  return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (hasPlainBody(req)) {
      const timer = setTimeout(() => expire(req, reply), limitMs);
      timer.unref();
      // Emitted once the body has been read, or the request was cut off; either way, nothing to wait for.
      req.raw.once('close', () => clearTimeout(timer));
    }
    done();
  };
}

function hasPlainBody(req: FastifyRequest): boolean {
  const { headers } = req;
  const length = headers['content-length'];
  const sized = length !== undefined && length !== '0';
  return (sized || headers['transfer-encoding'] !== undefined) && !isMultipart(headers['content-type']);
}

const isMultipart = (contentType: string | undefined) => /^\s*multipart\//i.test(contentType ?? '');

function expire(req: FastifyRequest, reply: FastifyReply): void {
  if (req.raw.complete || req.raw.readableEnded) return;
  // A request whose body has not all come is destroyed with its connection.
  if (reply.sent) req.raw.destroy();
  else reply.send(new AppError('BODY_TIMEOUT'));
}
