import type { FastifyReply, FastifyRequest, LogController } from 'fastify';
import { AppError } from '../errors.js';
import { failure } from '../legacy/envelope.js';
import { legacyFailure } from '../legacy/failures.js';
import { everyAnswerHeaders } from './headers.js';

/**
 * Fastify answers by itself, before any hook runs, a request whose path it cannot decode
 * (`/user/info/info%`) or whose path parameter is too long. Its answer echoed the whole URL,
 * query string and all (where legacy clients put `token_check` and `password`), without the
 * envelope, CORS or security headers, and left no access line. This answers them like any other
 * failure outside a procedure (CONTRACT.md §2): the envelope, 400, the headers of every answer.
 */
export function frameworkErrorHandler(corsOrigins: '*' | readonly string[], accessLog: LogController) {
  return (_error: Error, req: FastifyRequest, reply: FastifyReply) => {
    // Fastify's own answer path logs nothing here: the access line is written as for any request.
    reply.raw.once('finish', () => accessLog.requestCompleted(null, req, reply));
    everyAnswerHeaders(req, reply, () => {});
    reply.header('x-request-id', req.id);
    const origin = req.headers.origin;
    if (corsOrigins === '*' || corsOrigins.includes('*')) reply.header('access-control-allow-origin', '*');
    else {
      reply.header('vary', 'Origin');
      if (origin && corsOrigins.includes(origin)) reply.header('access-control-allow-origin', origin);
    }
    const { status, err } = legacyFailure(new AppError('MALFORMED_REQUEST'));
    return reply.code(status).send(failure(err));
  };
}
