import { type Kysely, sql } from 'kysely';
import { isMysql } from './support.js';

// Frozen in time: imports no application code. `gramsOf` is this migration's own copy of the
// tokenizer in server/src/features/demands/title-search.ts, for the rows that exist already.

/**
 * Title search: the title's characters and character pairs as ASCII tokens, FULLTEXT-indexed on
 * MySQL and MariaDB (MariaDB has no n-gram parser). SQLite keeps the column for the same code path
 * and searches with LIKE: the embedded default is for small installations.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const mysql = isMysql(db);
  await db.schema
    .alterTable('demands')
    // ASCII tokens: at most 100 characters and 99 pairs of 5 and 9 characters, with spaces.
    .addColumn('title_grams', mysql ? sql`varchar(1600) character set ascii` : 'text', (c) =>
      c.notNull().defaultTo(''),
    )
    .execute();

  const demands = db as unknown as Kysely<{ demands: { id: number; title: string; title_grams: string } }>;
  for (let after = 0; ; ) {
    const rows = await demands
      .selectFrom('demands')
      .select(['id', 'title'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (rows.length === 0) break;
    await demands.transaction().execute(async (tx) => {
      for (const row of rows) {
        await tx
          .updateTable('demands')
          .set({ title_grams: gramsOf(row.title) })
          .where('id', '=', row.id)
          .execute();
      }
    });
    after = rows[rows.length - 1]?.id ?? after;
  }

  if (mysql) await sql`create fulltext index demands_title_grams on demands (title_grams)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isMysql(db)) await sql`drop index demands_title_grams on demands`.execute(db);
  await db.schema.alterTable('demands').dropColumn('title_grams').execute();
}

function gramsOf(title: string): string {
  const chars = Array.from(title.toLowerCase()).map((c) =>
    (c.codePointAt(0) ?? 0).toString(36).padStart(4, '0'),
  );
  const tokens = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    tokens.add(`u${chars[i]}`);
    if (i + 1 < chars.length) tokens.add(`b${chars[i]}${chars[i + 1]}`);
  }
  const grams = [...tokens].join(' ');
  return grams.length <= 1600 ? grams : grams.slice(0, grams.lastIndexOf(' ', 1600));
}
