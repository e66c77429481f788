/**
 * The key-value store behind tokens, SMS codes and rate limits. Every write carries a TTL so nothing
 * piles up; business deadlines (token expiry, code validity) are still checked against the
 * injected clock by the callers, the TTL only collects garbage.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets only when the key is absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes the keys and answers how many existed, so a caller can tell whether it won a race. */
  delete(...keys: string[]): Promise<number>;
  /** Adds `by` (default 1) to a counter and answers the new value; creating the counter starts its TTL. */
  increment(key: string, ttlMs: number, by?: number): Promise<number>;
  /** Adds a member to a set and pushes the set's TTL out to at least ttlMs. */
  addToSet(key: string, member: string, ttlMs: number): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  removeFromSet(key: string, ...members: string[]): Promise<void>;
  /**
   * A log of moments (a sliding window): drops the members older than `windowMs` before `at`, then
   * adds `member` at `at` unless `limit` members are left, in one step. Answers 0 when it added it,
   * else how long (ms, at least 1) until a member leaves the window and one more would be added.
   * The key lives `windowMs` past its last addition.
   */
  addWithinWindow(key: string, member: string, at: number, windowMs: number, limit: number): Promise<number>;
  /** How many members of the log were added after `since`. */
  countSince(key: string, since: number): Promise<number>;
  removeFromLog(key: string, member: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
