import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/database.js';
import { AppError, refusedFor } from '../../errors.js';
import { rateSubjectOf } from '../../kv/client-address.js';
import type { RateLimiter, RateRule } from '../../kv/rate-limiter.js';
import type { Telemetry } from '../../telemetry.js';
import {
  findUserById,
  findUserByPhone,
  insertUser,
  replacePasswordHash,
  setPasswordHash,
} from '../user/user.repository.js';
import type { UserType } from '../user/user.schemas.js';
import { userTypeCodes } from '../user/user.table.js';
import type { PasswordHasher } from './passwords.js';
import type { Sessions } from './sessions.js';
import type { SmsCodes } from './sms-codes.js';

const loginFailuresPerPhone: RateRule = { name: 'login-fail:phone', limit: 5, windowMs: 15 * 60_000 };
/**
 * Password logins per phone that reach the check, wrong ones refunded (they have their own cap
 * above): each costs an argon2 verify (tens of milliseconds of CPU, 19 MiB) and issues a 30-day
 * session, and a success refunds the failure counters, so without this one account's password could
 * be checked any number of times from one address. A real user logs in a few times a day.
 */
const passwordLoginsPerPhone: RateRule = { name: 'login:phone', limit: 20, windowMs: 60 * 60_000 };
/** Password changes per account: each is an argon2 hash, and a session is all it takes. */
const passwordChangesPerUser: RateRule = {
  name: 'password-change:user',
  limit: 10,
  windowMs: 60 * 60_000,
};

export interface LoginResult {
  readonly userId: number;
  readonly token: string;
  /** When the session ends at the latest; a logout, a password change or too many sessions end it sooner. */
  readonly expiresAt: Date;
}

export class AuthService {
  private readonly loginFailuresPerIp: RateRule;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sessions: Sessions,
    private readonly smsCodes: SmsCodes,
    private readonly passwords: PasswordHasher,
    private readonly limiter: RateLimiter,
    loginFailPerIpHour: number,
    private readonly telemetry: Telemetry,
  ) {
    this.loginFailuresPerIp = { name: 'login-fail:ip', limit: loginFailPerIpHour, windowMs: 60 * 60_000 };
  }

  /** Sends a code to any valid phone, known or not: the answer must not reveal who has an account. */
  requestSmsCode(phone: string, ip: string): Promise<void> {
    return this.smsCodes.send(phone, ip);
  }

  /**
   * Logs in with an SMS code; a phone seen for the first time becomes a new account unless
   * `register` is false. The code is checked first, so only the phone's owner learns whether it
   * has an account.
   */
  async loginWithSmsCode(
    input: { phone: string; code: string; userType?: UserType; register?: boolean },
    ip: string,
  ): Promise<LoginResult> {
    // The account is looked up (or made) and the session issued once the code is known right and
    // taken: a database or store that fails there answers 503, "try again", and the code is put
    // back for the retry (issued after, a session store failing had used the code up, and the
    // retry was told 验证码错误). So is a phone with no account when none may be made: the owner,
    // told so, may register with the same code rather than wait a minute for another message.
    let login: LoginResult | undefined;
    const logIn = async () => {
      const userId =
        input.register === false
          ? (await findUserByPhone(this.db, input.phone))?.id
          : await this.findOrRegister(input.phone, input.userType ?? 'unknown');
      if (userId === undefined) throw new AppError('ACCOUNT_NOT_FOUND');
      const { token, expiresAt } = await this.sessions.issue(userId);
      login = { userId, token, expiresAt: new Date(expiresAt) };
    };
    try {
      await this.smsCodes.consume(input.phone, input.code, ip, logIn);
    } catch (error) {
      if (error instanceof AppError && error.appCode !== 'ACCOUNT_NOT_FOUND') {
        this.telemetry.loginFailed('sms', error.appCode === 'LOGIN_LOCKED' ? 'locked' : 'wrong');
      }
      throw error;
    }
    if (!login) throw new AppError('ACCOUNT_NOT_FOUND'); // set by logIn, which consume ran: for the compiler
    return login;
  }

  async loginWithPassword(input: { phone: string; password: string }, ip: string): Promise<LoginResult> {
    // Attempts are counted before the check, so parallel guesses cannot all slip under the cap;
    // a success takes its count back. The IP goes first: a client refused by its own cap must not
    // go on spending the phone's five, or one address could keep any number of phones locked.
    const ipHit = await this.limiter.count(this.loginFailuresPerIp, rateSubjectOf(ip));
    const phoneHit = ipHit.allowed ? await this.limiter.count(loginFailuresPerPhone, input.phone) : undefined;
    if (!phoneHit?.allowed) {
      // A locked phone checks nothing, so the address keeps no failure for it: its owner retrying
      // from an office or a carrier's shared address must not lock out everyone else behind it.
      if (phoneHit) await this.limiter.refund(ipHit);
      this.telemetry.loginFailed('password', 'locked');
      throw refusedFor('LOGIN_LOCKED', phoneHit ?? ipHit);
    }
    // Then the phone's logins in all: refused here, nothing was checked, so neither failure counter
    // keeps the attempt (a user over this cap must not lock their phone by retrying).
    const loginHit = await this.limiter.count(passwordLoginsPerPhone, input.phone);
    if (!loginHit.allowed) {
      await this.limiter.refund(phoneHit);
      await this.limiter.refund(ipHit);
      throw refusedFor('LOGIN_TOO_FREQUENT', loginHit);
    }

    // Refused before any check (the database unreachable, or too many hashes waiting: 503, try
    // again): no counter keeps it, or a user retrying through an outage or a burst would lock their
    // phone (and a shared address everyone behind it) with nothing checked.
    const uncounted = async (error: unknown): Promise<never> => {
      await this.limiter.refund(loginHit);
      await this.limiter.refund(phoneHit);
      await this.limiter.refund(ipHit);
      throw error;
    };
    const user = await findUserByPhone(this.db, input.phone).catch(uncounted);
    let checked = user?.password_hash ?? null;
    const valid = await (checked
      ? this.passwords.verify(checked, input.password)
      : this.passwords.verifyNothing(input.password)
    ).catch(uncounted);
    const refuse = async () => {
      // Wrong passwords are capped by the failure counters; they must not spend the owner's logins.
      await this.limiter.refund(loginHit);
      this.telemetry.loginFailed('password', 'wrong');
      return new AppError('LOGIN_FAILED');
    };
    if (!user || !checked || !valid) throw await refuse();
    // An old backend's hash is accepted this once and replaced by argon2id of the same password;
    // not over a new password set while this one was checked (then the check below refuses).
    // Refused by the busy hasher, the upgrade waits for a later login: the password was right.
    if (this.passwords.needsRehash(checked)) {
      const rehashed = await this.passwords.hash(input.password).catch(unlessBusy);
      if (rehashed && (await replacePasswordHash(this.db, user.id, checked, rehashed, this.clock.now())))
        checked = rehashed;
    }
    const { token, expiresAt } = await this.sessions.issue(user.id);
    // The check waited its turn for argon2 (seconds, under load) with the hash read before it. A
    // reset or change that set a new password meanwhile ended every session but could not end this
    // one, issued after it: the password checked is no longer the account's, so neither is the login.
    if ((await findUserById(this.db, user.id))?.password_hash !== checked) {
      await this.sessions.revoke(token);
      throw await refuse();
    }

    await this.limiter.reset(loginFailuresPerPhone, input.phone);
    await this.limiter.refund(ipHit);
    return { userId: user.id, token, expiresAt: new Date(expiresAt) };
  }

  /** Ends the session the token names, if it is live; holding the token is the proof, and an unknown one is already logged out. */
  async logout(token: string): Promise<void> {
    await this.sessions.revoke(token);
  }

  /**
   * Sets a new password after an SMS code to the account's phone, and ends every session. The code
   * is checked first, as for a login, so the answer and its timing are the same for any phone
   * until the code is right: only the phone's owner learns whether it has an account.
   */
  async resetPassword(input: { phone: string; code: string; newPassword: string }, ip: string) {
    // Hashed, the account read and its sessions ended once the code is this reset's, before it is
    // used up: refused there (too many hashes waiting, a store down: 503, try again; no account, as
    // for a login), the code is put back for the retry; a login that took the code first keeps its
    // session.
    let passwordHash = '';
    let user: Awaited<ReturnType<typeof findUserByPhone>>;
    await this.smsCodes.consume(input.phone, input.code, ip, async () => {
      // The account first: the code put back for a phone without one could be sent again and
      // again, and must not cost an argon2 hash each time.
      user = await findUserByPhone(this.db, input.phone);
      if (!user) throw new AppError('ACCOUNT_NOT_FOUND');
      passwordHash = await this.passwords.hash(input.newPassword);
      await this.sessions.revokeAllOf(user.id);
    });
    if (!user) throw new AppError('ACCOUNT_NOT_FOUND');
    await setPasswordHash(this.db, user.id, passwordHash, this.clock.now());
    // Once more, for a login with the old password that raced the reset (see changePassword).
    await this.sessions.revokeAllOf(user.id);
    await this.forgetPasswordTries(user.phone);
  }

  /**
   * Answers a reset that names no account (the legacy door's unknown user id) like a wrong code,
   * counted against the client's cap like one, so that neither the answer nor the cap tells which
   * ids exist.
   */
  refuseReset(ip: string): Promise<never> {
    return this.smsCodes.refuse(ip);
  }

  /** Sets a new password for a logged-in user; every other session of the user ends, this one stays. */
  async changePassword(userId: number, currentToken: string, newPassword: string): Promise<void> {
    const hit = await this.limiter.count(passwordChangesPerUser, String(userId));
    if (!hit.allowed) throw refusedFor('PASSWORD_CHANGE_TOO_FREQUENT', hit);
    const passwordHash = await this.passwords.hash(newPassword);
    // The other sessions end before the new password is stored, so a store failing there changes
    // nothing: stored first, the password was replaced and whoever knew the old one kept their
    // session. One change of the account at a time, from a session still live: of two at once
    // from two sessions, each ended the other's and both were told their password was set.
    await this.sessions.asOnlySession(userId, currentToken, () =>
      setPasswordHash(this.db, userId, passwordHash, this.clock.now()),
    );
    // A login with the old password that raced the change checks the password again once its
    // session is stored, and may have found the old one still there: those end after.
    await this.sessions.revokeAllOf(userId, currentToken);
    const user = await findUserById(this.db, userId);
    if (user) await this.forgetPasswordTries(user.phone);
  }

  /**
   * The password logins counted against the phone were tries of a password that is gone: the user
   * who just set a new one (after forgetting the old one, typically after those very failures) must
   * be able to log in with it at once, not be told 登录失败次数过多 for 15 minutes, nor 登录过于频繁
   * for up to an hour when the phone's twenty logins an hour were used.
   */
  private async forgetPasswordTries(phone: string): Promise<void> {
    await this.limiter.reset(loginFailuresPerPhone, phone);
    await this.limiter.reset(passwordLoginsPerPhone, phone);
  }

  private async findOrRegister(phone: string, userType: UserType): Promise<number> {
    const existing = await findUserByPhone(this.db, phone);
    if (existing) return existing.id;
    try {
      return await insertUser(this.db, { phone, usertype: userTypeCodes[userType], now: this.clock.now() });
    } catch (error) {
      // Two first logins of one phone at once: the unique key lets one insert win; use its row.
      if (!isUniqueViolation(error)) throw error;
      const winner = await findUserByPhone(this.db, phone);
      if (!winner) throw error;
      return winner.id;
    }
  }
}

/** Passes on every error but the password hasher's "too many waiting" (STORE_UNAVAILABLE). */
function unlessBusy(error: unknown): undefined {
  if (error instanceof AppError && error.appCode === 'STORE_UNAVAILABLE') return undefined;
  throw error;
}
