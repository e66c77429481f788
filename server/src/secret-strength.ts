/**
 * Whether a value is fit to key every token, SMS code and signed URL with HMAC: APP_SECRET, or the
 * secret kept in DATA_DIR/app-secret. Only what is trivially guessable is refused (blank padding, a
 * handful of characters, one character filling it, a short run repeated): a random value of any
 * common alphabet passes, even 32 decimal digits.
 */

/** Characters a secret needs, whitespace not counted. */
const minSecretLength = 32;

/** Fewer different characters than this is a placeholder, not a secret (`x` × 40, `ab` × 16). */
const minDistinctCharacters = 6;

/** Why `secret` is refused, or undefined when it will do. Never repeats the secret. */
export function secretWeakness(secret: string): string | undefined {
  // Spaces padding a short value to length (or a value of spaces only) add nothing to guess.
  const characters = [...secret.replace(/\s+/g, '')];
  if (characters.length < minSecretLength) {
    return `has ${characters.length} characters besides whitespace, fewer than ${minSecretLength}`;
  }
  const distinct = new Set(characters).size;
  if (distinct < minDistinctCharacters) {
    const plural = distinct === 1 ? '' : 's';
    return `uses only ${distinct} different character${plural}, fewer than ${minDistinctCharacters}`;
  }
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  if (Math.max(...counts.values()) > characters.length / 2) {
    return 'is more than half one character';
  }
  const period = shortestPeriod(characters);
  if (period <= characters.length / 2) {
    return `is a run of ${period} characters repeated`;
  }
  return undefined;
}

/** The length of the shortest run the text repeats (`abcabcab`: 3); its own length when none. */
function shortestPeriod(characters: readonly string[]): number {
  for (let period = 1; period <= characters.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < characters.length && repeats; i++) {
      repeats = characters[i] === characters[i - period];
    }
    if (repeats) return period;
  }
  return characters.length;
}

/** How an operator makes a good one. */
export const secretAdvice = 'use a random value, e.g. `openssl rand -base64 32`';
