/**
 * Title search without a full scan. MariaDB has no n-gram full-text parser and InnoDB's default
 * parser cannot split Chinese into words, so the demand stores its title's characters and
 * character pairs as ASCII tokens in `title_grams` (FULLTEXT-indexed on MySQL). A term's pairs must
 * all be among a title's pairs for the term to occur in it: the index finds those candidates and
 * `LIKE` keeps the titles that really contain the term.
 *
 * Tokens: `u` + one code point, `b` + two, each code point as 4 base-36 digits (every code point
 * fits). They are longer than InnoDB's minimum token size (3), start with a letter and are no
 * stopword. Case is folded with toLowerCase, the same for titles and terms.
 *
 * migrations/20261125050000_demand_title_search.ts holds a frozen copy of this for the backfill.
 */

import { MysqlAdapter } from 'kysely';
import type { Db } from '../../db/database.js';

/** The FULLTEXT index on title_grams exists on MySQL only; SQLite searches titles with LIKE. */
export const hasFulltextIndex = (db: Db) => db.getExecutor().adapter instanceof MysqlAdapter;

const codeOf = (char: string) => (char.codePointAt(0) ?? 0).toString(36).padStart(4, '0');

const charsOf = (text: string) => Array.from(text.toLowerCase());

/** The tokens stored for a title: every character and every adjacent pair, each once. */
export function titleGrams(title: string): string {
  const chars = charsOf(title).map(codeOf);
  const tokens = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    tokens.add(`u${chars[i]}`);
    if (i + 1 < chars.length) tokens.add(`b${chars[i]}${chars[i + 1]}`);
  }
  return capped([...tokens].join(' '));
}

/** The column holds 1600 ASCII characters, enough for 100 characters; longer (odd) lowercasings lose their tail. */
const maxGramsLength = 1600;

function capped(grams: string): string {
  return grams.length <= maxGramsLength ? grams : grams.slice(0, grams.lastIndexOf(' ', maxGramsLength));
}

/** The tokens a title must all hold to contain `term`: its pairs, or its only character. */
export function termGrams(term: string): string[] {
  const chars = charsOf(term).map(codeOf);
  if (chars.length === 1) return [`u${chars[0]}`];
  const tokens = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) tokens.add(`b${chars[i]}${chars[i + 1]}`);
  return [...tokens];
}
