import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { KeyValueStore } from '../../kv/store.js';
import { keyedHash } from './secrets.js';

export const sessionLifetimeMs = 30 * 24 * 60 * 60 * 1000;

interface StoredSession {
  /** user id */
  u: number;
  /** expiry, unix ms, checked against the injected clock */
  e: number;
}

/**
 * Login tokens. The client holds 256 random bits; the store holds only their keyed hash, mapped to
 * the user id, plus a per-user set of those hashes so a password change can end the other sessions.
 */
export class Sessions {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
    private readonly secret: string,
  ) {}

  async issue(userId: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const id = this.idOf(token);
    const session: StoredSession = { u: userId, e: this.clock.now() + sessionLifetimeMs };
    await this.kv.set(sessionKey(id), JSON.stringify(session), sessionLifetimeMs);
    await this.kv.addToSet(userSessionsKey(userId), id, sessionLifetimeMs);
    return token;
  }

  /** The user id a live token belongs to, or null. */
  async resolve(token: string): Promise<number | null> {
    const raw = await this.kv.get(sessionKey(this.idOf(token)));
    if (!raw) return null;
    const session = JSON.parse(raw) as StoredSession;
    return session.e > this.clock.now() ? session.u : null;
  }

  async revoke(token: string): Promise<void> {
    const id = this.idOf(token);
    const raw = await this.kv.get(sessionKey(id));
    if (!raw) return;
    const session = JSON.parse(raw) as StoredSession;
    await this.kv.delete(sessionKey(id));
    await this.kv.removeFromSet(userSessionsKey(session.u), id);
  }

  /** Ends every session of the user except the one holding `keepToken` (all when it is absent). */
  async revokeAllOf(userId: number, keepToken?: string): Promise<void> {
    const keep = keepToken === undefined ? undefined : this.idOf(keepToken);
    const ids = (await this.kv.setMembers(userSessionsKey(userId))).filter((id) => id !== keep);
    if (ids.length === 0) return;
    await this.kv.delete(...ids.map(sessionKey));
    await this.kv.removeFromSet(userSessionsKey(userId), ...ids);
  }

  private idOf(token: string): string {
    return keyedHash(this.secret, `session:${token}`);
  }
}

const sessionKey = (id: string) => `session:${id}`;
const userSessionsKey = (userId: number) => `user-sessions:${userId}`;
