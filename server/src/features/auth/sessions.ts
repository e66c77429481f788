import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { KeyValueStore } from '../../kv/store.js';
import type { ImportedSession, ImportedSessions } from './imported-sessions.js';
import { keyedHash } from './secrets.js';

export const sessionLifetimeMs = 30 * 24 * 60 * 60 * 1000;

/**
 * Most live sessions one user holds. A person logs in from a few phones and browsers, now and then
 * again on each; 20 leaves room for all of them. Without a cap, the password logins the rate limits
 * allow would let one account hold thousands of sessions, all kept in the store and all to be ended
 * by a password change. Past the cap, the sessions expiring soonest end.
 */
export const maxSessionsPerUser = 20;

/**
 * An account change's lock (asOnlySession): held for a few store round trips and one update, so a
 * second change waits up to `changeLockWaitMs`; it outlives an instance that died holding it by
 * at most `changeLockTtlMs`.
 */
const changeLockTtlMs = 10_000;
const changeLockWaitMs = 5_000;
const changeLockPollMs = 20;

interface StoredSession {
  /** user id */
  u: number;
  /** expiry, unix ms, checked against the injected clock */
  e: number;
}

/**
 * Login tokens. The client holds 256 random bits; the store holds only their keyed hash, mapped to
 * the user id, plus a per-user set of those hashes so a password change can end the other sessions.
 * Storing a session prunes that set: it keeps only live sessions, at most `maxSessionsPerUser`.
 *
 * Tokens of the old backend (`hyqutoken`) are adopted as they are: the importer writes their keyed
 * hashes to the database (`imported`), and the first request presenting one makes it a session here.
 */
export class Sessions {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
    private readonly secret: string,
    private readonly imported?: ImportedSessions,
  ) {}

  /** A new session of the user: its token, and when it ends at the latest (unix ms). */
  async issue(userId: number): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.clock.now() + sessionLifetimeMs;
    await this.store(this.idOf(token), userId, expiresAt);
    return { token, expiresAt };
  }

  /** What the importer writes for an old token: its keyed hash, to be adopted on first use. */
  importedSession(userId: number, token: string): ImportedSession {
    return { tokenHash: this.idOf(token), userId, expiresAt: this.clock.now() + sessionLifetimeMs };
  }

  /** The user id a live token belongs to, or null. */
  async resolve(token: string): Promise<number | null> {
    const id = this.idOf(token);
    const raw = await this.kv.get(sessionKey(id));
    if (!raw) return this.claimImported(id);
    const session = JSON.parse(raw) as StoredSession;
    return session.e > this.clock.now() ? session.u : null;
  }

  async revoke(token: string): Promise<void> {
    const id = this.idOf(token);
    const raw = await this.kv.get(sessionKey(id));
    // An old backend's token logged out before its first use ends where it waits.
    if (!raw) return this.imported?.drop(id);
    const session = JSON.parse(raw) as StoredSession;
    await this.kv.delete(sessionKey(id));
    await this.kv.removeFromSet(userSessionsKey(session.u), id);
  }

  /** Ends every session of the user except the one holding `keepToken` (all when it is absent). */
  async revokeAllOf(userId: number, keepToken?: string): Promise<void> {
    // Imported tokens not used yet end too; the one kept, if imported, was claimed to get here.
    await this.imported?.dropAllOf(userId);
    const keep = keepToken === undefined ? undefined : this.idOf(keepToken);
    const ids = (await this.kv.setMembers(userSessionsKey(userId))).filter((id) => id !== keep);
    if (ids.length === 0) return;
    await this.kv.delete(...ids.map(sessionKey));
    await this.kv.removeFromSet(userSessionsKey(userId), ...ids);
  }

  /**
   * Ends every session of the user but `keepToken`'s, then runs `change` (a new password stored),
   * while `keepToken` is still the user's: one such change per user at a time, across instances.
   * Of two at once from two sessions, each ended the other's and both were told they succeeded;
   * now the second finds its own session ended by the first and is refused (UNAUTHENTICATED). A
   * second from the same session (a double click) runs after the first, alike.
   */
  async asOnlySession(userId: number, keepToken: string, change: () => Promise<void>): Promise<void> {
    const lock = `account-change:${userId}`;
    const giveUpAt = Date.now() + changeLockWaitMs;
    while (!(await this.kv.setIfAbsent(lock, '1', changeLockTtlMs))) {
      if (Date.now() > giveUpAt) throw new AppError('STORE_UNAVAILABLE');
      await sleep(changeLockPollMs);
    }
    try {
      if ((await this.resolve(keepToken)) !== userId) throw new AppError('UNAUTHENTICATED');
      await this.revokeAllOf(userId, keepToken);
      await change();
    } finally {
      await this.kv.delete(lock);
    }
  }

  /** A token missing from the store may be an old backend's, not used since the import. */
  private async claimImported(id: string): Promise<number | null> {
    const claimed = await this.imported?.claim(id);
    if (!claimed || claimed.expiresAt <= this.clock.now()) return null;
    await this.store(id, claimed.userId, claimed.expiresAt);
    return claimed.userId;
  }

  private async store(id: string, userId: number, expiresAt: number): Promise<void> {
    const ttl = expiresAt - this.clock.now();
    if (ttl <= 0) return;
    const session: StoredSession = { u: userId, e: expiresAt };
    await this.kv.set(sessionKey(id), JSON.stringify(session), ttl);
    await this.kv.addToSet(userSessionsKey(userId), id, ttl);
    await this.prune(userId, id);
  }

  /**
   * Drops from the user's set the sessions gone or expired, and ends the live ones expiring soonest
   * past `maxSessionsPerUser`; `keep`, the session just stored, stays (an adopted old token may
   * expire before the others, and its holder is using it now). Every session stored runs this, so
   * the set holds about the cap and a login reads back a bounded number of keys (one batch of gets:
   * one command per key, as keys of different hash slots cannot share one in a Redis Cluster).
   * Each login adds its session before reading the set, so logins at the same time see each other's
   * and do not leave more than the cap between them (at worst they end the same session twice).
   */
  private async prune(userId: number, keep: string): Promise<void> {
    const setKey = userSessionsKey(userId);
    const ids = (await this.kv.setMembers(setKey)).filter((id) => id !== keep);
    if (ids.length === 0) return;
    const stored = await Promise.all(ids.map((id) => this.kv.get(sessionKey(id))));
    const now = this.clock.now();
    const ended: string[] = [];
    const live: { id: string; expiresAt: number }[] = [];
    ids.forEach((id, i) => {
      const raw = stored[i];
      const expiresAt = raw ? (JSON.parse(raw) as StoredSession).e : 0;
      if (expiresAt > now) live.push({ id, expiresAt });
      else ended.push(id);
    });
    live.sort((a, b) => a.expiresAt - b.expiresAt);
    const excess = live.length - (maxSessionsPerUser - 1);
    if (excess > 0) ended.push(...live.slice(0, excess).map((session) => session.id));
    if (ended.length === 0) return;
    await Promise.all([this.kv.delete(...ended.map(sessionKey)), this.kv.removeFromSet(setKey, ...ended)]);
  }

  private idOf(token: string): string {
    return keyedHash(this.secret, `session:${token}`);
  }
}

const sessionKey = (id: string) => `session:${id}`;
const userSessionsKey = (userId: number) => `user-sessions:${userId}`;
