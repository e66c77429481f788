import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../../server/src/features/auth/passwords.js';

/** 'pw', hashed by the `argon2` package this service used before, with the same parameters. */
const formerPackageHash =
  '$argon2id$v=19$m=19456,p=1,t=2$kCACif48run5mj/kTr941Q$O4k49dr0RJkSnqmfyDWUka+Bas/uv9AkJ6tB89ucprQ';

describe('password hashes', () => {
  const hasher = new PasswordHasher();

  it('are argon2id with the OWASP parameters, salted, and verify only the right password', async () => {
    const first = await hasher.hash('correct horse');
    const second = await hasher.hash('correct horse');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toBe(first);
    expect(await hasher.verify(first, 'correct horse')).toBe(true);
    expect(await hasher.verify(first, 'correct horsE')).toBe(false);
  });

  it('still verify the hashes stored before the switch of library', async () => {
    expect(await hasher.verify(formerPackageHash, 'pw')).toBe(true);
    expect(await hasher.verify(formerPackageHash, 'pW')).toBe(false);
  });

  it('answer false, not an error, for a stored value that is no hash', async () => {
    expect(await hasher.verify('not-a-hash', 'pw')).toBe(false);
    expect(await hasher.verify('', 'pw')).toBe(false);
    expect(await hasher.verifyNothing('pw')).toBe(false);
  });
});
