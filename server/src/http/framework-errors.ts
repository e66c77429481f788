import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest, LogController } from 'fastify';
import { AppError, type AppErrorCode } from '../errors.js';
import { failure } from '../legacy/envelope.js';
import { legacyFailure } from '../legacy/failures.js';
import { everyAnswerHeaders, everyAnswerHeaderValues } from './headers.js';

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

/** The clientError failures Node names, as the error table has them; any other is a malformed request. */
const clientFailures: Readonly<Record<string, readonly [number, AppErrorCode]>> = {
  HPE_HEADER_OVERFLOW: [431, 'BODY_TOO_LARGE'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'BODY_TIMEOUT'],
};

/**
 * Node answers by itself, before Fastify sees a request, one it cannot parse, above all one whose
 * request line and headers pass its 16 KB limit: a legacy GET carrying a long field in its query
 * string (CONTRACT.md §1). Fastify's answer to that (431) had neither the envelope nor CORS
 * headers, so a browser on the apps' origin reported "Failed to fetch" instead of the failure.
 * This answers it like the failures above: its status, the envelope, the headers of every answer
 * and CORS. The request was never parsed: its Origin is read from the bytes received, and when a
 * list of origins is allowed, one not received yet (headers that came in pieces) gets no
 * Access-Control-Allow-Origin, as an origin not listed does.
 */
export function clientErrorHandler(corsOrigins: '*' | readonly string[], log: FastifyBaseLogger) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    log.trace({ err: error }, 'client error');
    // A request already handed to Fastify (its body failed to parse) may be answering: an answer
    // written here could land inside its own, so the connection is only cut.
    if (!socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const [status, code] = clientFailures[error.code ?? ''] ?? [400, 'MALFORMED_REQUEST'];
    const body = JSON.stringify(failure(legacyFailure(new AppError(code)).err));
    const headers: Record<string, string | number> = {
      ...everyAnswerHeaderValues,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    };
    if (corsOrigins === '*' || corsOrigins.includes('*')) headers['access-control-allow-origin'] = '*';
    else {
      headers.vary = 'Origin';
      const received = (error as { rawPacket?: unknown }).rawPacket;
      const head = Buffer.isBuffer(received) ? received.toString('latin1') : '';
      const origin = /\r\norigin:[ \t]*([^\r\n]*?)[ \t]*\r\n/i.exec(head)?.[1];
      if (origin && corsOrigins.includes(origin)) headers['access-control-allow-origin'] = origin;
    }
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    // Ended rather than destroyed at once: a socket closed with bytes of the request still unread
    // is reset, and the reset can reach the browser before it has read the answer. What still
    // comes is read and dropped until the client hangs up, for a second at most.
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('')}\r\n${body}`);
    socket.resume();
    setTimeout(() => socket.destroy(), 1000).unref();
  };
}
