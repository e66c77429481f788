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
        err: withoutStatement,
        req: (req: { id?: string; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url?.split('?')[0],
        }),
      },
    },
    destination ?? standardOutput(),
  );
}

/**
 * pino's error serializer, less the statement mysql2 attaches to a failed query (`sql`), which has
 * its values filled in: a failed insert would log the phone or ID number it carried. The message,
 * code and stack still say what failed.
 */
function withoutStatement(error: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(error as Error);
  // Anything but an Error comes back as it was given (a string, say): nothing to take out.
  if (serialized === null || typeof serialized !== 'object') return serialized;
  const { sql: _statement, ...rest } = serialized as Record<string, unknown>;
  return rest;
}

/** How long a line may wait in the buffer of standard output. */
const flushEveryMs = 250;

let bufferedStdout: DestinationStream | undefined;

/**
 * Standard output, written synchronously a few kilobytes at a time. Pino's default is an
 * asynchronous sonic-boom, whose every write is a hop to libuv's thread pool; a blocking write per
 * line is cheaper, but still a system call per request; a buffer of lines is one call per dozens
 * (bench/README.md has the figures). A quiet service's lines still leave within `flushEveryMs`,
 * and what is buffered when the process exits, also on a crash, is written then; only a kill
 * the process cannot see (SIGKILL, the OOM killer) loses the last lines.
 */
function standardOutput(): DestinationStream {
  // One buffer for the process, however many loggers write to it (one exit handler, one timer).
  if (!bufferedStdout) {
    const out = pino.destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: flushEveryMs });
    process.once('exit', () => out.flushSync());
    bufferedStdout = out;
  }
  return bufferedStdout;
}

/**
 * Fastify's request logging, reduced to one access line per request, written when the answer is
 * sent: Fastify's own two lines (incoming, completed) cost a second write each.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    // Flat fields: no serializer runs, and the redaction has no object to look into.
    const path = req.url.split('?', 1)[0];
    const line = {
      method: req.method,
      path,
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (error) req.log.error({ ...line, err: error }, 'request errored');
    else req.log.info(line, 'request');
  }
}
