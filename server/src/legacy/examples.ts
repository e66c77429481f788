/*
 * Each legacy URL's documented example, and what a test needs to make it real. The docs show the
 * request and the answer the row's own encoder writes; tests/docs sends the request to a live app.
 */

/**
 * One request a client may send, and how a test makes it real: `live` builds the fields that
 * differ on a fresh database (ids of things it creates through `world`). The login fields of the
 * acting user (`as`) are filled in by the test, like a client takes them from localStorage.
 */
export interface LegacyExample {
  readonly request: Readonly<Record<string, unknown>>;
  readonly as?: 'employer' | 'worker' | 'fresh';
  readonly live?: (world: ExampleWorld) => Promise<Record<string, unknown>>;
}

export interface ExampleSession {
  readonly userId: number;
  readonly token: string;
  readonly phone: string;
}

/** What a test prepares for one example: two logged-in users and things they own. */
export interface ExampleWorld {
  /** A company account. */
  readonly employer: ExampleSession;
  /** A person account. */
  readonly worker: ExampleSession;
  /** A phone no account has yet. */
  freshPhone(): string;
  /** Sends a login code to the phone (a fresh one unless given) and answers both. */
  smsCode(phone?: string): Promise<{ phone: string; code: string }>;
  /** An account with a password, not logged in anywhere. */
  passwordAccount(): Promise<{ phone: string; password: string; userId: number }>;
  /** A demand of the employer; `paid` is approved and paid into escrow. */
  demand(state: 'pending' | 'approved' | 'paid'): Promise<{ id: number; fileIds: number[] }>;
  /** The worker's application to a paid demand of the employer. */
  application(state: 'applied' | 'selected' | 'delivered'): Promise<{ id: number; demandId: number }>;
  /** An upload of the given user. */
  upload(owner: 'employer' | 'worker', kind: 'image' | 'archive'): Promise<{ id: number; url: string }>;
  /** An entry of one of the worker's resume lists, by its legacy name (`user_person_ji`). */
  resumeEntry(list: string): Promise<number>;
  /** A recharge of the employer's wallet. */
  recharge(): Promise<number>;
}
