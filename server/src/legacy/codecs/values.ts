/**
 * Translators from the loose values legacy clients send (numbers as strings, empty strings for
 * "not given") into the typed input of a procedure. They translate only: a value they cannot
 * translate is passed through unchanged, and the procedure's zod schema refuses it with a field
 * error. Their declared types are the translated ones, which is what the procedures expect.
 */

export type LegacyFields = Record<string, unknown>;

const isAbsent = (value: unknown) => value === undefined || value === null || value === '';

/** A text field: strings as given, numbers as their decimal text, nothing for absent. */
export function text(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return (value === null ? undefined : value) as string;
}

/** An integer field: `12` or `"12"`; absent stays undefined. */
export function integer(value: unknown): number {
  if (isAbsent(value)) return undefined as unknown as number;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return value as number;
}

/** Picks the first field that is present among its accepted names (legacy aliases). */
export function firstOf(fields: LegacyFields, ...names: string[]): unknown {
  for (const name of names) if (!isAbsent(fields[name])) return fields[name];
  return undefined;
}

/** Maps a legacy enumeration code (`1`, `"2"`) onto the typed value; absent or `0` means "not given". */
export function enumCode<T extends string>(value: unknown, byCode: Record<number, T>): T {
  const code = integer(value);
  if (code === undefined || code === 0) return undefined as unknown as T;
  return (typeof code === 'number' && byCode[code] !== undefined ? byCode[code] : value) as T;
}
