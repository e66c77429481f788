import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Services } from '../services.js';

/** Who the request claims to be. Whether the claim holds is decided by the authed tier, once. */
export interface Credentials {
  readonly token?: string;
  /** The legacy door also names the user id; it must match the token's owner. */
  readonly claimedUserId?: number;
}

export interface Context {
  readonly config: Config;
  readonly database: Database;
  readonly services: Services;
  readonly clock: Clock;
  readonly log: Logger;
  readonly ip: string;
  readonly credentials: Credentials;
}

/** Reads `Authorization: Bearer <token>` for the typed API. */
export function bearerCredentials(header: string | undefined): Credentials {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ? { token: match[1] } : {};
}
