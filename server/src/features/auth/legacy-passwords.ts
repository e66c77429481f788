import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/*
 * Password hashes brought over from the old backend, whose format nobody wrote down. A stored value
 * that is recognisably a common hash (MD5, SHA-1 or bcrypt) is kept, marked with its kind
 * (`$legacy-md5$<hex>`), accepted at the next password login and replaced by argon2id right then
 * (AuthService); anything else is not kept, and its owner logs in by SMS code.
 */

const marker = '$legacy-';

/**
 * bcrypt hashes of cost 4 to 12 (PHP's default is 10). bcryptjs is JavaScript on the main thread,
 * and each step of cost doubles its work: 12 is already a noticeable pause per check, 31 would take
 * days, on every login to that account. A higher cost is not kept (its owner logs in by SMS).
 */
const bcryptHash = /^\$2[ayb]\$(0[4-9]|1[0-2])\$[./A-Za-z0-9]{53}$/;

/** The marked value to store for an old hash, or null when it is no hash this service recognises. */
export function markLegacyHash(oldValue: string): string | null {
  const value = oldValue.trim();
  if (/^[0-9a-f]{32}$/i.test(value)) return `${marker}md5$${value.toLowerCase()}`;
  if (/^[0-9a-f]{40}$/i.test(value)) return `${marker}sha1$${value.toLowerCase()}`;
  // PHP's password_hash writes $2y$; older crypt() calls wrote $2a$. bcryptjs reads both.
  if (bcryptHash.test(value)) return `${marker}bcrypt$${value}`;
  return null;
}

export const isLegacyHash = (stored: string): boolean => stored.startsWith(marker);

/** Whether the password matches a marked old hash; false for anything unmarked or malformed. */
export async function verifyLegacyHash(stored: string, password: string): Promise<boolean> {
  const match = /^\$legacy-(md5|sha1|bcrypt)\$(.+)$/.exec(stored);
  if (!match) return false;
  const [, kind, hash = ''] = match;
  if (kind === 'bcrypt') return bcryptHash.test(hash) && bcrypt.compare(password, hash).catch(() => false);
  const computed = createHash(kind === 'md5' ? 'md5' : 'sha1')
    .update(password, 'utf8')
    .digest('hex');
  return computed.length === hash.length && timingSafeEqual(Buffer.from(computed), Buffer.from(hash));
}
