import { randomBytes } from 'node:crypto';
import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { AppError } from '../../errors.js';
import { isLegacyHash, verifyLegacyHash } from './legacy-passwords.js';

/** `Algorithm.Argon2id`, spelled out: the package's const enum cannot be read under verbatimModuleSyntax. */
const argon2id = 2 as Algorithm;
/** OWASP's argon2id baseline: 19 MiB of memory, 2 passes, 1 lane. */
const argon2Options = { algorithm: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * argon2id by @node-rs/argon2 (Rust, SIMD): less CPU per verify than the `argon2` package's
 * reference C build, with the same parameters and the same PHC strings. It runs on libuv's thread
 * pool, off the event loop. One hash at a time: on two cores a second hashing thread takes the
 * event loop's core, and every other request's tail latency with it (bench/README.md).
 *
 * The hashes waiting their turn are bounded too. A flood of password logins from many addresses
 * (each under its per-IP limit) would otherwise queue without end, every login then waiting
 * longer than its client; past the bound, a login is refused at once (STORE_UNAVAILABLE, 503:
 * try again), and the ones queued are served in their time.
 */
export class PasswordHasher {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly maxInFlight = 1,
    /** A hash takes tens of milliseconds: a hundred waiting is a wait of seconds, about what a client waits. */
    private readonly maxWaiting = 100,
  ) {}

  hash(password: string): Promise<string> {
    return this.limited(() => hash(password, argon2Options));
  }

  /**
   * False for a wrong password and for a stored value that is no hash at all. An old backend's hash
   * (legacy-passwords.ts) is checked as its kind; a wrong password against one then spends an
   * argon2 verify anyway, so its answer comes no sooner than an argon2 hash's would.
   */
  async verify(stored: string, password: string): Promise<boolean> {
    if (isLegacyHash(stored)) {
      const valid = await this.limited(() => verifyLegacyHash(stored, password));
      return valid || this.verifyNothing(password);
    }
    return this.limited(() => verify(stored, password).catch(() => false));
  }

  /** True for a stored hash that is to be replaced by argon2id at the next successful login. */
  needsRehash(stored: string): boolean {
    return isLegacyHash(stored);
  }

  /** Spends the same work as a real verify, so an unknown phone answers no faster than a wrong password. */
  async verifyNothing(password: string): Promise<false> {
    // Not kept when refused (too many waiting): the next call makes it again.
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex')).catch((error: unknown) => {
      this.dummyHash = undefined;
      throw error;
    });
    await this.verify(await this.dummyHash, password);
    return false;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.maxInFlight) {
      if (this.waiting.length >= this.maxWaiting) throw new AppError('STORE_UNAVAILABLE');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }
}
