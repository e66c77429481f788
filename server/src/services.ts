import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { AuthService } from './features/auth/auth.service.js';
import { PasswordHasher } from './features/auth/passwords.js';
import { Sessions } from './features/auth/sessions.js';
import { SmsCodes } from './features/auth/sms-codes.js';
import { UserService } from './features/user/user.service.js';
import { RateLimiter } from './kv/rate-limiter.js';
import type { KeyValueStore } from './kv/store.js';
import type { SmsSender } from './sms/sms-sender.js';

export interface ServiceDeps {
  readonly config: Config;
  readonly database: Database;
  readonly kv: KeyValueStore;
  readonly sms: SmsSender;
  readonly clock: Clock;
  readonly log: Logger;
}

/** Wires the feature services once per app; procedures reach them through the context. */
export function createServices(deps: ServiceDeps) {
  const { config, database, kv, sms, clock, log } = deps;
  const limiter = new RateLimiter(kv, clock);
  const sessions = new Sessions(kv, clock, config.appSecret);
  const smsCodes = new SmsCodes(kv, limiter, sms, clock, config.appSecret, log, config.limits.smsPerIpHour);
  const passwords = new PasswordHasher();
  return {
    limiter,
    sessions,
    passwords,
    auth: new AuthService(
      database.db,
      clock,
      sessions,
      smsCodes,
      passwords,
      limiter,
      config.limits.loginFailPerIpHour,
    ),
    users: new UserService(database.db),
  };
}

export type Services = ReturnType<typeof createServices>;
