import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import pino, { type DestinationStream, type LogFn, type Logger } from 'pino';
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
        // `*.headers`: at trace, the multipart parser logs the options it gives busboy, the
        // request's headers among them.
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.headers.authorization',
          '*.headers.cookie',
          '*.password',
          '*.token',
        ],
        censor: '[redacted]',
      },
      hooks: { logMethod: messageWithoutQuery },
      serializers: {
        err: withoutSecrets,
        req: (req: { id?: string; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url === undefined ? undefined : loggedPath(req.url),
        }),
      },
    },
    destination ?? standardOutput(),
  );
}

/**
 * The path of a URL as logged: without its query string, and cut after `maxLoggedPath` characters.
 * A path may be as long as Node's 16 KB of headers: whole, a client sending long made-up URLs at
 * thousands a second (404s cost next to nothing) had the service write tens of megabytes of log a second.
 */
function loggedPath(url: string): string {
  const path = url.split('?', 1)[0] ?? '';
  return path.length > maxLoggedPath ? `${path.slice(0, maxLoggedPath)}...` : path;
}

/** Longer than any path the service serves: a tRPC batch of 10 procedures' names, an upload's key. */
const maxLoggedPath = 500;

/** A query string inside a text (`'/user/info/info?token_check=...' is not ...`), up to a quote or space. */
const queryInText = /(\/[^\s'"?]*)\?[^\s'"]*/g;

const withoutQuery = (text: string) => (text.includes('?') ? text.replace(queryInText, '$1?[query]') : text);

/**
 * The message of a line, less any query string: Fastify names the URL as the client sent it in a
 * few messages of its own (a reply sent twice), and an error logged without a message lends it
 * its own (pino's `msg` is then the error's message, which the serializer below does not reach).
 */
function messageWithoutQuery(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const [first, second] = args as unknown[];
  if (typeof first === 'string') args[0] = withoutQuery(first);
  else if (typeof second === 'string') args[1] = withoutQuery(second);
  else if (args.length === 1) {
    // `log.error(error)` and `log.warn({ err })`: pino would take the error's message as it is.
    const error = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
    if (error instanceof Error) {
      method.call(this, first as object, withoutQuery(error.message));
      return;
    }
  }
  method.apply(this, args);
}

/**
 * pino's error serializer, less what an error can carry of a request's secrets:
 * - the statement mysql2 attaches to a failed query (`sql`), which has its values filled in: a
 *   failed insert would log the phone or ID number it carried;
 * - the bytes of a request Node could not parse (`rawPacket`, Fastify logs it at `trace`): its
 *   request line with the query string and its headers, `Authorization` included;
 * - query strings of URLs quoted in the message or stack (Fastify quotes the URL in some of its
 *   errors), where legacy clients put `token_check` and `password`.
 * The message, code and stack still say what failed.
 */
function withoutSecrets(error: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(error as Error);
  // Anything but an Error comes back as it was given (a string, say): nothing to take out.
  if (serialized === null || typeof serialized !== 'object') return serialized;
  const { sql: _statement, rawPacket: _bytes, ...rest } = serialized as Record<string, unknown>;
  for (const field of ['message', 'stack'] as const) {
    const text = rest[field];
    if (typeof text === 'string') rest[field] = withoutQuery(text);
  }
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
    const line = {
      method: req.method,
      path: loggedPath(req.url),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (error) req.log.error({ ...line, err: error }, 'request errored');
    else req.log.info(line, 'request');
  }
}
