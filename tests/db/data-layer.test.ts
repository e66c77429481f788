import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Rules of the data layer that the types cannot hold, checked on the source: every transaction
 * retries deadlock victims (db/transaction.ts), and each table is written only by the feature that
 * declares it (its `<name>.table.ts`, composed in db/schema.ts).
 */

const root = path.resolve(import.meta.dirname, '../..');
const sourceRoot = path.join(root, 'server/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const sources = sourceFiles(sourceRoot).map((file) => ({
  file: path.relative(root, file),
  text: readFileSync(file, 'utf8'),
}));

/** Kysely transactions opened by hand: `.transaction()` (then `.execute(`), however it is spaced. */
function rawTransactions(text: string): string[] {
  return [...text.matchAll(/\.\s*transaction\s*\(\s*\)/g)].map((m) => m[0]);
}

/** The tables a source writes by name: insertInto / updateTable / deleteFrom / replaceInto / mergeInto. */
function writtenTables(text: string): string[] {
  return [
    ...text.matchAll(/\.\s*(?:insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(\s*'(\w+)'/g),
  ].map((m) => m[1] as string);
}

/** Which feature folder owns each table: the folder of the `*.table.ts` db/schema.ts takes its type from. */
function tableOwners(): Map<string, string | undefined> {
  const schema = readFileSync(path.join(sourceRoot, 'db/schema.ts'), 'utf8');
  const folderOfType = new Map<string, string>();
  for (const [, names, from] of schema.matchAll(/import type \{([^}]*)\} from '([^']+)'/g)) {
    const folder = path.dirname(path.relative(root, path.resolve(sourceRoot, 'db', from as string)));
    for (const name of (names as string)
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)) {
      folderOfType.set(name, folder);
    }
  }
  const body = schema.slice(schema.indexOf('export interface DatabaseSchema'));
  const owners = new Map<string, string | undefined>();
  for (const [, table, type] of body.matchAll(/^\s*(\w+): (\w+);/gm)) {
    owners.set(table as string, folderOfType.get(type as string));
  }
  return owners;
}

describe('the data layer', () => {
  it('opens transactions only through inTransaction (the deadlock retry)', () => {
    // The scan finds what it looks for…
    expect(rawTransactions('await db.transaction().execute(async (tx) => {')).toHaveLength(1);
    expect(
      rawTransactions('await db\n  .transaction()\n  .setIsolationLevel("serializable").execute(work)'),
    ).toHaveLength(1);
    expect(rawTransactions('await inTransaction(db, async (tx) => {')).toHaveLength(0);
    // …and finds it nowhere but in db/, where inTransaction itself lives.
    const offenders = sources
      .filter(({ file }) => !file.startsWith('server/src/db/'))
      .filter(({ text }) => rawTransactions(text).length > 0)
      .map(({ file }) => file);
    expect(offenders).toEqual([]);
  });

  it('declares every table in one feature, and only that feature writes it', () => {
    const owners = tableOwners();
    // Every table of the schema has an owner among the features.
    expect(owners.size).toBeGreaterThan(10);
    const unowned = [...owners].filter(([, folder]) => !folder?.startsWith('server/src/features/'));
    expect(unowned).toEqual([]);
    expect(writtenTables("await tx.updateTable('demands').set({ paid: 1 })")).toEqual(['demands']);

    const foreignWrites = sources.flatMap(({ file, text }) =>
      writtenTables(text)
        .filter((table) => {
          const owner = owners.get(table);
          return owner === undefined || !file.startsWith(`${owner}/`);
        })
        .map((table) => `${file} writes ${table} (owner: ${owners.get(table) ?? 'none'})`),
    );
    expect(foreignWrites).toEqual([]);
  });
});
