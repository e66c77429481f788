import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { ProfileService } from './features/account/profile.service.js';
import { VerificationService } from './features/account/verification.service.js';
import { AdminService } from './features/admin/admin.service.js';
import { AdminActions } from './features/admin/admin-actions.js';
import { ApplicationService } from './features/applications/application.service.js';
import { AuthService } from './features/auth/auth.service.js';
import { ImportedSessions } from './features/auth/imported-sessions.js';
import { PasswordHasher } from './features/auth/passwords.js';
import { Sessions } from './features/auth/sessions.js';
import { SmsCodes } from './features/auth/sms-codes.js';
import { DemandService } from './features/demands/demand.service.js';
import { PublicDemandsService } from './features/demands/public-demands.service.js';
import { TitleSearchGuard } from './features/demands/search-guard.js';
import { BillingService } from './features/money/billing.service.js';
import { MoneyService } from './features/money/money.service.js';
import { ResumeService } from './features/resume/resume.service.js';
import { FileReferences } from './features/uploads/file-references.js';
import { UploadUrlSigner } from './features/uploads/signed-urls.js';
import type { FileStorage } from './features/uploads/storage.js';
import { UploadService } from './features/uploads/uploads.service.js';
import { UserService } from './features/user/user.service.js';
import { RateLimiter } from './kv/rate-limiter.js';
import type { KeyValueStore } from './kv/store.js';
import type { SmsSender } from './sms/sms-sender.js';
import type { Telemetry } from './telemetry.js';

export interface ServiceDeps {
  readonly config: Config;
  readonly database: Database;
  readonly kv: KeyValueStore;
  readonly sms: SmsSender;
  readonly storage: FileStorage;
  readonly clock: Clock;
  readonly log: Logger;
  readonly telemetry: Telemetry;
}

/** Wires the feature services once per app; procedures reach them through the context. */
export function createServices(deps: ServiceDeps) {
  const { config, database, kv, sms, storage, clock, log, telemetry } = deps;
  const limiter = new RateLimiter(kv, clock);
  const sessions = new Sessions(kv, clock, config.appSecret, new ImportedSessions(database.db));
  const smsCodes = new SmsCodes(
    kv,
    limiter,
    sms,
    clock,
    config.appSecret,
    log,
    config.limits.smsPerIpHour,
    // Wrong codes are failed logins too; they are counted apart from wrong passwords, so a client
    // that mistypes its password keeps the SMS login to fall back on.
    config.limits.loginFailPerIpHour,
    telemetry,
    config.displayTimeZone,
  );
  const passwords = new PasswordHasher();
  const fileRefs = new FileReferences(database.db);
  const signer = new UploadUrlSigner(config.appSecret);
  const users = new UserService(database.db, clock);
  const uploads = new UploadService(
    database.db,
    storage,
    limiter,
    clock,
    signer,
    { ...config.limits, displayTimeZone: config.displayTimeZone },
    telemetry,
  );
  const verifications = new VerificationService(database.db, clock, fileRefs, signer, uploads);
  const demands = new DemandService(
    database.db,
    clock,
    fileRefs,
    config.displayTimeZone,
    limiter,
    config.limits.demandsPerUserHour,
  );
  const money = new MoneyService(database.db, clock);
  const billing = new BillingService(database.db, clock);
  const applications = new ApplicationService(
    database.db,
    clock,
    fileRefs,
    demands,
    limiter,
    config.limits.applicationsPerUserHour,
  );
  const features = { users, demands, applications, verifications, money, billing };
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
      telemetry,
    ),
    users,
    demands,
    publicDemands: new PublicDemandsService(
      database.db,
      clock,
      demands,
      // Half the pool: the other half stays with everything but title searches.
      new TitleSearchGuard(
        kv,
        clock,
        config.limits.titleSearchesPerIp,
        Math.max(1, Math.floor(config.dbPoolSize / 2)),
      ),
    ),
    money,
    billing,
    applications,
    admin: new AdminService(database.db, features),
    adminActions: new AdminActions(clock, features),
    uploads,
    fileRefs,
    verifications,
    profiles: new ProfileService(database.db, clock, users, verifications, fileRefs, money),
    resume: new ResumeService(database.db, clock),
  };
}

export type Services = ReturnType<typeof createServices>;
