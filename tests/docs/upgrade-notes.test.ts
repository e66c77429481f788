import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** A migration that writes rows that exist (an UPDATE), not only the schema: a backfill. */
const backfills = /\.updateTable\(|\bupdate\s+\w+\s+set\b/i;

/**
 * A backfill sees only the rows there when it runs: an instance of the previous version still
 * serving writes rows it misses, so such an upgrade cannot be rolling. README's "Upgrading" names
 * every one for the operator; a new one that is not named there fails here.
 */
describe('the upgrade notes', () => {
  it('name every migration that backfills', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const notes = readme.slice(readme.indexOf('**Upgrading.**'), readme.indexOf('Rolling back is'));
    expect(notes.length).toBeGreaterThan(0);
    const migrations = readdirSync(path.join(root, 'migrations')).filter((file) => /^\d{14}_/.test(file));
    const backfilling = migrations
      .filter((file) => backfills.test(readFileSync(path.join(root, 'migrations', file), 'utf8')))
      .map((file) => file.replace(/\.(ts|js)$/, ''));
    expect(backfilling.length).toBeGreaterThan(0);
    expect(backfilling.filter((name) => !notes.includes(`\`${name}\``))).toEqual([]);
  });
});
