import type { KeyValueStore } from './store.js';

interface Entry {
  /** A string, a set's members, or a log's members with the moments they were added. */
  value: string | Set<string> | Map<string, number>;
  expiresAt: number;
}

/** The embedded default: one process, same semantics as the Redis store. */
export class MemoryStore implements KeyValueStore {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    const value = this.live(key)?.value;
    return typeof value === 'string' ? value : null;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  async delete(...keys: string[]): Promise<number> {
    let existed = 0;
    for (const key of keys) {
      if (this.live(key)) existed++;
      this.entries.delete(key);
    }
    return existed;
  }

  async increment(key: string, ttlMs: number, by = 1): Promise<number> {
    const entry = this.live(key);
    const next = (entry ? Number(entry.value) : 0) + by;
    this.entries.set(key, { value: String(next), expiresAt: entry?.expiresAt ?? this.now() + ttlMs });
    return next;
  }

  async addToSet(key: string, member: string, ttlMs: number): Promise<void> {
    const entry = this.live(key);
    const members = entry?.value instanceof Set ? entry.value : new Set<string>();
    members.add(member);
    const expiresAt = Math.max(entry?.expiresAt ?? 0, this.now() + ttlMs);
    this.entries.set(key, { value: members, expiresAt });
  }

  async setMembers(key: string): Promise<string[]> {
    const value = this.live(key)?.value;
    return value instanceof Set ? [...value] : [];
  }

  async removeFromSet(key: string, ...members: string[]): Promise<void> {
    const value = this.live(key)?.value;
    if (!(value instanceof Set)) return;
    for (const member of members) value.delete(member);
    if (value.size === 0) this.entries.delete(key);
  }

  async addWithinWindow(key: string, member: string, at: number, windowMs: number, limit: number) {
    const log = this.logOf(key);
    for (const [old, added] of log) if (added <= at - windowMs) log.delete(old);
    if (log.size >= limit) {
      // Room comes when the member `limit` places from the newest leaves the window.
      const moments = [...log.values()].sort((a, b) => a - b);
      return Math.max(1, (moments[moments.length - limit] as number) + windowMs - at);
    }
    log.set(member, at);
    this.entries.set(key, { value: log, expiresAt: this.now() + windowMs });
    return 0;
  }

  async countSince(key: string, since: number): Promise<number> {
    let count = 0;
    for (const added of this.logOf(key).values()) if (added > since) count++;
    return count;
  }

  async removeFromLog(key: string, member: string): Promise<void> {
    this.logOf(key).delete(member);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  private logOf(key: string): Map<string, number> {
    const value = this.live(key)?.value;
    return value instanceof Map ? value : new Map();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
