import type { ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { KeyValueStore } from '../kv/store.js';
import type { Services } from '../services.js';

/*
 * What a CLI command is, kept apart from the list of commands (commands.ts), so a command defined in
 * its feature (the legacy import) does not import the list that names it.
 */

/** What a command's work is given: the stores and services, opened once its flags are read. */
export interface CommandContext {
  readonly config: Config;
  readonly database: Database;
  /** Sessions, codes and limits: Redis, or this process's own memory (not the service's). */
  readonly kv: KeyValueStore;
  /** The feature services, wired by the composition root (createServices) as the service wires them. */
  readonly services: Services;
  /** Prints a line of progress while the command runs (the import's, table by table). */
  readonly say?: (line: string) => void;
}

/** What a command answers: the text to print, and the exit code when it is not 0. */
export type CommandOutcome = string | { readonly message: string; readonly exitCode: number };

/** A command's work, its flags read. */
export type CommandWork = (context: CommandContext) => Promise<CommandOutcome>;

export interface Command {
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /**
   * Reads the flags (and, for a secret kept off the command line, `readLine`: the first line of
   * standard input) and answers the work to do. A bad flag throws here with a readable message,
   * before the database or any store is opened (or migrated).
   */
  prepare(values: Record<string, unknown>, readLine: () => Promise<string>): Promise<CommandWork>;
}

/**
 * Parses flag values with zod, so a typo answers with the flag's name instead of a stack trace;
 * `names` calls a value by another name where it did not come from its flag.
 */
export function parseFlags<T extends z.ZodRawShape>(
  shape: T,
  values: Record<string, unknown>,
  names: Readonly<Record<string, string>> = {},
) {
  const result = z.object(shape).safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue?.path[0] ?? '?');
    const flag = names[key] ?? `--${key}`;
    // zod's "expected string, received undefined" for a flag left out.
    if (issue?.code === 'invalid_type' && values[key] === undefined) {
      throw new Error(`${flag}: required`);
    }
    throw new Error(`${flag}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
