import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { type Clock, calendarDayIn } from '../../clock.js';
import { AppError, refusedFor } from '../../errors.js';
import { rateSubjectOf } from '../../kv/client-address.js';
import type { CountedHit, RateLimiter, RateRule } from '../../kv/rate-limiter.js';
import type { KeyValueStore } from '../../kv/store.js';
import { SmsNotSent, type SmsSender } from '../../sms/sms-sender.js';
import type { Telemetry } from '../../telemetry.js';
import { keyedHash, sameHash } from './secrets.js';

const codeLifetimeMs = 5 * 60 * 1000;
const maxWrongTries = 5;

const minute = 60_000;
const hour = 60 * minute;
/**
 * Per-phone caps are part of the product, not configuration: they protect the phone's owner. The
 * day is the users' calendar day (`displayTimeZone`), so "ten a day" starts again at their midnight.
 */
function phoneRulesIn(displayTimeZone: string): readonly RateRule[] {
  return [
    { name: 'sms:phone:minute', limit: 1, windowMs: minute },
    { name: 'sms:phone:hour', limit: 5, windowMs: hour },
    // Kept a little past a day, so a day lengthened by a summer-time change keeps its count.
    { name: 'sms:phone:day', limit: 10, windowMs: 25 * hour, windowOf: calendarDayIn(displayTimeZone) },
  ];
}

interface StoredCode {
  /** keyed hash of phone and code */
  h: string;
  /** expiry, unix ms */
  e: number;
}

/**
 * One live code per phone, stored only as a keyed hash, single use, five wrong tries at most; and
 * per client IP a cap on wrong codes, whatever the phones, so one client cannot spread its guesses
 * over many phones' five tries.
 */
export class SmsCodes {
  private readonly ipRule: RateRule;
  private readonly wrongCodesPerIp: RateRule;
  private readonly phoneRules: readonly RateRule[];

  constructor(
    private readonly kv: KeyValueStore,
    private readonly limiter: RateLimiter,
    private readonly sender: SmsSender,
    private readonly clock: Clock,
    private readonly secret: string,
    private readonly log: Logger,
    smsPerIpHour: number,
    wrongCodesPerIpHour: number,
    private readonly telemetry: Telemetry,
    displayTimeZone: string,
  ) {
    this.phoneRules = phoneRulesIn(displayTimeZone);
    this.ipRule = { name: 'sms:ip:hour', limit: smsPerIpHour, windowMs: hour };
    this.wrongCodesPerIp = { name: 'sms-code-fail:ip', limit: wrongCodesPerIpHour, windowMs: hour };
  }

  /**
   * Sends a new code, replacing the phone's live one. When the gateway certainly did not send it,
   * the code is dropped and the phone's quota given back, so its owner may ask again at once; when
   * that is unknown (no answer in time), the code stays live, as the phone may well receive it.
   * Either way the caller is told the sending failed.
   */
  async send(phone: string, ip: string): Promise<void> {
    const ipHit = await this.limiter.count(this.ipRule, rateSubjectOf(ip));
    // The IP cap goes first so a refused client does not spend the phone's quota.
    if (!ipHit.allowed) {
      this.telemetry.smsRefused('ip');
      throw refusedFor('SMS_TOO_FREQUENT', ipHit);
    }
    const phoneHits: CountedHit[] = [];
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    try {
      // Every cap is asked, so that a refusal tells the longest wait: told the minute's 40 s while
      // the hour's five were used up too, the owner was refused again then. What was counted is
      // taken back below.
      for (const rule of this.phoneRules) phoneHits.push(await this.limiter.count(rule, phone));
      const waits = phoneHits.flatMap((hit) => (hit.allowed ? [] : [hit.retryAfterMs ?? 0]));
      if (waits.length > 0) {
        this.telemetry.smsRefused('phone');
        throw refusedFor('SMS_TOO_FREQUENT', { retryAfterMs: Math.max(...waits) });
      }
      const stored: StoredCode = { h: this.hashOf(phone, code), e: this.clock.now() + codeLifetimeMs };
      await this.kv.set(codeKey(phone), JSON.stringify(stored), codeLifetimeMs);
      await this.kv.delete(triesKey(phone));
    } catch (error) {
      // Refused by one of the phone's caps, or a store that failed on the way (a Redis Cluster
      // master down holds the code's key, or one counter's): nothing was sent, so nothing is
      // counted, as far as the store takes the counts back. Kept, the refused taps of a phone at its
      // ten a day filled its hour, and its owner waited up to an hour past midnight for the first
      // code of the new day; each also spent one of the address's sends.
      await this.refundAll([ipHit, ...phoneHits]);
      throw error;
    }
    try {
      await this.sender.send({
        phone,
        code,
        text: `您的验证码是${code}，${codeLifetimeMs / 60_000}分钟内有效。如非本人操作，请忽略本短信。`,
      });
    } catch (error) {
      this.telemetry.smsFailed();
      this.log.error({ err: error }, 'SMS sending failed');
      if (error instanceof SmsNotSent) {
        await this.kv.delete(codeKey(phone));
        await this.refundAll(phoneHits);
      }
      throw new AppError('SMS_SEND_FAILED', { cause: error });
    }
    this.telemetry.smsSent();
  }

  /** Takes each hit back; one whose store part is down stays counted (the failure is already answered). */
  private async refundAll(hits: readonly CountedHit[]): Promise<void> {
    await Promise.allSettled(hits.map((hit) => this.limiter.refund(hit)));
  }

  /**
   * Consumes the phone's code if `code` matches it; otherwise counts a wrong try, for the phone and
   * for the client IP. A client over its IP cap is refused before the code is looked at, so it
   * neither uses up the phone's tries nor consumes a right code.
   *
   * `beforeUse` runs once the code is known right and taken by this caller alone: work that may be
   * refused (a password hash when too many are waiting, the database down) puts the code back and
   * takes its try back, for the retry it asks for.
   */
  async consume(phone: string, code: string, ip: string, beforeUse?: () => Promise<void>): Promise<void> {
    // Like password logins: counted before the check, so parallel guesses cannot all slip under
    // the cap, and taken back when the code was right.
    const ipHit = await this.limiter.count(this.wrongCodesPerIp, rateSubjectOf(ip));
    if (!ipHit.allowed) throw refusedFor('LOGIN_LOCKED', ipHit);
    await this.consumeIfRight(phone, code, async () => {
      await this.limiter.refund(ipHit);
      await beforeUse?.();
    });
  }

  /**
   * Answers a code check that cannot succeed, because it names no account (the legacy door's
   * unknown user id), exactly like a wrong code: counted for the IP, and refused alike over the cap.
   */
  async refuse(ip: string): Promise<never> {
    const hit = await this.limiter.count(this.wrongCodesPerIp, rateSubjectOf(ip));
    throw hit.allowed ? new AppError('SMS_CODE_INVALID') : refusedFor('LOGIN_LOCKED', hit);
  }

  private async consumeIfRight(phone: string, code: string, beforeUse: () => Promise<void>): Promise<void> {
    const raw = await this.kv.get(codeKey(phone));
    const stored = raw ? (JSON.parse(raw) as StoredCode) : null;
    if (!stored)
      throw new AppError((await this.triesUsed(phone)) ? 'SMS_CODE_TRIES_USED' : 'SMS_CODE_INVALID');
    if (stored.e <= this.clock.now()) throw new AppError('SMS_CODE_INVALID');
    // Count the try before comparing, so parallel guesses cannot all slip under the cap. The try
    // that uses the last one kills the code and says so: the owner must ask for a new code, and
    // told only "wrong or expired" would go on typing the right one.
    const tries = await this.kv.increment(triesKey(phone), codeLifetimeMs);
    const right = tries <= maxWrongTries && sameHash(stored.h, this.hashOf(phone, code));
    if (!right && tries >= maxWrongTries) {
      await this.kv.delete(codeKey(phone));
      throw new AppError('SMS_CODE_TRIES_USED');
    }
    if (!right) throw new AppError('SMS_CODE_INVALID');
    // Taken before the work that uses it: only the caller whose delete removed the code runs it, a
    // concurrent use finds it gone. Taken after, a reset that lost the code to a login had already
    // ended every session, the one just given to the login included.
    if ((await this.kv.delete(codeKey(phone))) !== 1) throw new AppError('SMS_CODE_INVALID');
    // The right code, refused by the work it was for (the database down, the hasher busy: 503, try
    // again): put back, unless a new one was sent meanwhile, and the try taken back, or the owner
    // retrying would find it gone or use up the five.
    await beforeUse().catch(async (error: unknown) => {
      const leftMs = stored.e - this.clock.now();
      if (raw && leftMs > 0) await this.kv.setIfAbsent(codeKey(phone), raw, leftMs);
      await this.kv.increment(triesKey(phone), codeLifetimeMs, -1);
      throw error;
    });
    // The work is done (a session issued): a store failing now must not answer 503 for it, with the
    // code gone. The tries of a used code count for nothing, and the next code sent clears them.
    await this.kv.delete(triesKey(phone)).catch(() => undefined);
  }

  /** Whether the phone's tries ran out (the code then killed); counted until a new code is sent. */
  private async triesUsed(phone: string): Promise<boolean> {
    return Number(await this.kv.get(triesKey(phone))) >= maxWrongTries;
  }

  private hashOf(phone: string, code: string): string {
    return keyedHash(this.secret, `sms:${phone}:${code}`);
  }
}

const codeKey = (phone: string) => `sms-code:${phone}`;
const triesKey = (phone: string) => `sms-tries:${phone}`;
