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
    destination,
  );
}
