import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { AuthUser, Credentials } from '../features/auth/authenticate.js';
import type { Services } from '../services.js';

export interface Context {
  readonly config: Config;
  readonly database: Database;
  readonly services: Services;
  readonly clock: Clock;
  readonly log: Logger;
  readonly ip: string;
  readonly credentials: Credentials;
  /** Set when a door has already authenticated the request (the legacy door does, once). */
  readonly user?: AuthUser;
}

/** Reads `Authorization: Bearer <token>` for the typed API. */
export function bearerCredentials(header: string | undefined): Credentials {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ? { token: match[1] } : {};
}
