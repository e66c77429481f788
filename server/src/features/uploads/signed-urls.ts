import { createHmac, timingSafeEqual } from 'node:crypto';
import { keyOfUrl, urlOfKey } from './storage.js';

/** A minted URL is valid for an hour at least... */
const minLifetimeS = 60 * 60;
/**
 * ...and at most this much more: expiries are rounded up to a quarter of an hour, so the URLs of
 * one record stay the same for a quarter of an hour and the browser's cache keeps working.
 */
const roundingS = 15 * 60;

/** What a request to a private upload shows: `?exp=<unix seconds>&sig=<base64url HMAC>`. */
export interface UrlSignature {
  readonly exp?: unknown;
  readonly sig?: unknown;
}

/**
 * Signed, expiring URLs for private uploads (identity and company documents):
 * `/uploads/<key>?exp=<unix seconds>&sig=<HMAC-SHA256 of key and expiry>`. The key is derived
 * from APP_SECRET, so every instance with the same secret accepts the same URLs, and the URL needs
 * no login: a legacy `<img src>` shows it as it is.
 */
export class UploadUrlSigner {
  private readonly key: Buffer;

  constructor(appSecret: string) {
    // A key of its own, so an upload signature can never be mistaken for a token or code hash.
    this.key = createHmac('sha256', appSecret).update('upload-url-signature').digest();
  }

  /** The upload URL with a signature valid for about an hour from `now`; other strings unchanged. */
  sign(url: string, now: number): string {
    const key = keyOfUrl(url);
    if (key === undefined) return url;
    const exp = Math.ceil((Math.floor(now / 1000) + minLifetimeS) / roundingS) * roundingS;
    return `${urlOfKey(key)}?exp=${exp}&sig=${this.signature(key, exp)}`;
  }

  /** Seconds the signature stays valid, or 0 when it is missing, wrong or expired. */
  remainingSeconds(key: string, given: UrlSignature, now: number): number {
    const { exp, sig } = given;
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return 0;
    const left = Number(exp) - Math.floor(now / 1000);
    if (left <= 0) return 0;
    const expected = Buffer.from(this.signature(key, Number(exp)));
    const actual = Buffer.from(sig);
    return actual.length === expected.length && timingSafeEqual(actual, expected) ? left : 0;
  }

  private signature(key: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${key}\n${exp}`).digest('base64url');
  }
}
