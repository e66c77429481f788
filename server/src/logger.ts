import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * The structured log. Requests are logged by method and path only: query strings and bodies can
 * carry passwords, SMS codes and tokens (legacy clients send them as fields), so they never reach it.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id?: string; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url?.split('?')[0],
        }),
      },
    },
    // Synchronous writes to standard output. Pino's default is an asynchronous sonic-boom, whose
    // every write is a hop to libuv's thread pool, many times the cost of a blocking write of one
    // line to a file or pipe (bench/README.md has the figures).
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * Fastify's request logging, reduced to one access line per request, written when the answer is
 * sent: Fastify's own two lines (incoming, completed) cost a second write each.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    const line = { req, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) req.log.error({ ...line, err: error }, 'request errored');
    else req.log.info(line, 'request');
  }
}
