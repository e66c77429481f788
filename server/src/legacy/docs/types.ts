import type { z } from 'zod';

/**
 * Documentation of the legacy URLs, one table per routes file, keyed by path. What the code knows
 * is not repeated here: the generator finds which fields a row reads (by running its decoder), the
 * typed field each one feeds, the procedure it calls, and that field's type and limits in the
 * procedure's zod schema; the Chinese names come from the row's `labels` (seed/api.txt). A table
 * adds what only a person can: descriptions, the legacy encoding, and examples.
 */
export interface LegacyRouteDoc {
  readonly summary: { readonly zh: string; readonly en: string };
  /** More words, in English, when the summary is not enough. */
  readonly description?: string;
  /** The fields the row reads, by legacy name. Login fields of `/user/...` are added for every row. */
  readonly fields: Readonly<Record<string, LegacyFieldDoc>>;
  /** Enumerated outputs: JSON paths inside `data` (`titletype`, `data[].pay`) and their labels. */
  readonly labels?: Readonly<Record<string, readonly string[]>>;
  /** For rows that call no procedure (uploads): the typed shape their `encode` receives. */
  readonly output?: z.ZodType;
  readonly example: LegacyExample;
}

/** How a legacy client writes a value; each names the forms the adapter accepts. */
export type LegacyEncoding =
  | 'text'
  | 'integer'
  | 'yuan'
  | 'wanYuan'
  | 'code'
  | 'flag'
  | 'date'
  | 'dates'
  | 'idList'
  | 'fileRef'
  | 'fileRefs'
  | 'cascader'
  | 'objects'
  | 'file';

export interface LegacyFieldDoc {
  readonly type: LegacyEncoding;
  readonly en: string;
  /** Chinese description; defaults to the row's label of the typed field this one feeds. */
  readonly zh?: string;
  /** Defaults to whether the procedure's input requires the typed field. */
  readonly required?: boolean;
  readonly example?: unknown;
  /** `code` fields: legacy code → the typed value it stands for. */
  readonly codes?: Readonly<Record<number, string>>;
  /** `objects` fields: the fields of each item. */
  readonly items?: Readonly<Record<string, LegacyFieldDoc>>;
  /** Another accepted name for the same field, documented under its own entry. */
  readonly aliasOf?: string;
}

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

/** Declares a docs table; the type keeps entries checked while the keys stay literal paths. */
export const legacyDocs = (table: Record<string, LegacyRouteDoc>) => table;
