/*
 * Old money in FLOAT columns. A FLOAT is a binary single-precision number, about 7 significant
 * digits, and the server prints only 6 of them: MariaDB answers `123457` for a FLOAT holding
 * 123456.78. The import therefore selects such a column as `col + 0e0`, a DOUBLE holding the
 * float's value exactly (123456.78125), and decides here which decimal amount it stands for.
 */

/** An old FLOAT column's value, read exactly; values.ts decides what amount it is. */
export class FloatValue {
  constructor(readonly exact: number) {}

  toString(): string {
    return String(this.exact);
  }
}

/** What a float says in hundredths (fen of yuan, or hundredths of 万元). */
export type FloatHundredths =
  /** One amount with at most 2 decimals is stored as this float: that one. */
  | { readonly kind: 'exact'; readonly hundredths: number }
  /** None is: more decimals were stored (`12.345`). */
  | { readonly kind: 'none' }
  /**
   * Several are, two neighbours among them: past 131,072 a float cannot tell neighbouring
   * hundredths apart (1234567.87, .88 and .89 are all stored as 1234567.875).
   */
  | { readonly kind: 'ambiguous'; readonly neighbours: readonly [number, number] };

/**
 * The amount in hundredths whose nearest float is `exact`, when exactly one is. Floats round to
 * nearest monotonically, so the candidates are the integers next to `exact × 100`: the nearest
 * one, and whether either neighbour is stored as the same float too.
 */
export function hundredthsOfFloat(exact: number): FloatHundredths {
  if (!Number.isFinite(exact) || Math.fround(exact) !== exact) return { kind: 'none' };
  const nearest = Math.round(exact * 100);
  if (!Number.isSafeInteger(nearest + 1)) return { kind: 'none' };
  const storedAsThis = (hundredths: number) => Math.fround(hundredths / 100) === exact;
  if (!storedAsThis(nearest)) return { kind: 'none' };
  if (storedAsThis(nearest - 1)) return { kind: 'ambiguous', neighbours: [nearest - 1, nearest] };
  if (storedAsThis(nearest + 1)) return { kind: 'ambiguous', neighbours: [nearest, nearest + 1] };
  return { kind: 'exact', hundredths: nearest };
}
