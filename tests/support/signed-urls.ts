import { expect } from 'vitest';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The signed URL of each upload (`?exp=<unix>&sig=<43 base64url>`), comma-joined as legacy fields are. */
export function signedUrls(...urls: string[]) {
  const one = (url: string) => `${escapeRegExp(url)}\\?exp=\\d{10}&sig=[A-Za-z0-9_-]{43}`;
  return expect.stringMatching(new RegExp(`^${urls.map(one).join(',')}$`));
}
