import { createHmac, timingSafeEqual } from 'node:crypto';

/** Keyed hash of a token or code: what the store keeps instead of the secret itself. */
export function keyedHash(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
