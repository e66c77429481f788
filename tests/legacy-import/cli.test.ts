import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/database.js';
import { ledgerProblems } from '../../server/src/legacy-import/checks.js';
import { targetOf } from '../../server/src/legacy-import/command.js';
import { testDatabaseUrl } from '../support/backends.js';
import { fillBulk } from '../support/legacy-bulk.js';
import { createLegacyDatabase, type LegacyDatabase } from '../support/legacy-db.js';
import { fillOldDatabase } from './old-data.js';

/** `npm run admin -- import-legacy ...` into the embedded SQLite database of `dataDir`. */
function admin(
  dataDir: string,
  args: string[],
): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    APP_SECRET: 'cli-test-secret-cli-test-secret-0123456789',
  };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/src/cli/admin.ts', 'import-legacy', ...args],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    out += String(chunk);
  });
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out })),
  );
  return { child, done };
}

/** Rows of a table of the SQLite file, read beside the writer (WAL); 0 before the table exists. */
function countIn(file: string, table: string): number {
  if (!existsSync(file)) return 0;
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return Number((db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

describe('where import-legacy says it writes', () => {
  it('names the MySQL database and host without the password, or the embedded file', () => {
    expect(
      targetOf({ databaseUrl: 'mysql://admin:s3cret@db.internal:3307/market', dataDir: '/srv/data' }),
    ).toBe('MySQL database market on db.internal:3307');
    expect(targetOf({ databaseUrl: undefined, dataDir: '/srv/data' })).toBe(
      'the embedded SQLite database in /srv/data (DATABASE_URL is not set)',
    );
  });
});

describe.skipIf(!testDatabaseUrl)('npm run admin -- import-legacy', () => {
  let bulk: LegacyDatabase;
  let fixture: LegacyDatabase;
  let size: Awaited<ReturnType<typeof fillBulk>>;
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'svc-cli-import-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    [bulk, fixture] = await Promise.all([
      createLegacyDatabase(testDatabaseUrl as string),
      createLegacyDatabase(testDatabaseUrl as string),
    ]);
    await fillOldDatabase(fixture);
    size = await fillBulk(bulk, { users: 200, demands: 1500 });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([bulk?.drop(), fixture?.drop()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('finishes an import that was killed mid-table', async () => {
    const dir = dataDir();
    const file = path.join(dir, 'app.db');
    const first = admin(dir, ['--from', bulk.url, '--batch', '2']);
    // Killed once demands are being written and before they are all in.
    while (countIn(file, 'demands') < 100) {
      const exited = await Promise.race([
        first.done,
        new Promise((resolve) => setTimeout(resolve, 20, null)),
      ]);
      if (exited) throw new Error(`the import ended before it could be killed: ${JSON.stringify(exited)}`);
    }
    first.child.kill('SIGKILL');
    await first.done;
    const partial = countIn(file, 'demands');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(size.demands);
    // Applications follow right behind the demands: some may be in, not all.
    expect(countIn(file, 'applications')).toBeLessThan(size.applications);

    const second = await admin(dir, ['--from', bulk.url, '--batch', '500']).done;
    expect(second.out).toContain('Import finished.');
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/^users\s+200\s+0\s+200\s+0$/m);
    // One batch of 200 users: read in well under a progress interval, said once, when done.
    expect(second.out.match(/^users\s+200\/200 \(100%\)/gm)).toHaveLength(1);
    expect(second.out).toMatch(/rows\/s/);
    expect(countIn(file, 'users')).toBe(size.users);
    expect(countIn(file, 'demands')).toBe(size.demands);
    expect(countIn(file, 'applications')).toBe(size.applications);
    expect(countIn(file, 'wallets')).toBe(size.accounts);
    const database = openDatabase({ url: undefined, dataDir: dir, poolSize: 1 });
    try {
      expect(await ledgerProblems(database.db)).toEqual([]);
    } finally {
      await database.close();
    }
  }, 240_000);

  it('says so when stopped by a signal, keeping the batches written', async () => {
    const dir = dataDir();
    const file = path.join(dir, 'app.db');
    const run = admin(dir, ['--from', bulk.url, '--batch', '2']);
    while (countIn(file, 'demands') < 100) {
      const exited = await Promise.race([run.done, new Promise((resolve) => setTimeout(resolve, 20, null))]);
      if (exited) throw new Error(`the import ended before it could be stopped: ${JSON.stringify(exited)}`);
    }
    run.child.kill('SIGTERM');
    const stopped = await run.done;
    // It ended without a word before, exit code 143 from Node's default.
    expect(stopped.out).toContain(
      'SIGTERM: import stopped. The batches written are kept and the one in progress is undone; run the same command again to finish.',
    );
    expect(stopped.code).toBe(143);
    expect(countIn(file, 'demands')).toBeGreaterThanOrEqual(100);
  }, 240_000);

  it('answers a non-zero exit code when rows were refused, unless --allow-refusals; a dry run writes nothing', async () => {
    const dir = dataDir();
    const dry = await admin(dir, ['--from', fixture.url, '--dry-run']).done;
    expect(dry.code).toBe(1);
    expect(dry.out).toContain('Dry run: nothing was written.');
    // Said first: an operator whose shell lost DATABASE_URL sees where the rows would go.
    expect(dry.out).toMatch(
      new RegExp(
        `^Dry run: checking what would be imported into the embedded SQLite database in ${dir} \\(DATABASE_URL is not set\\); nothing is written\\.$`,
        'm',
      ),
    );
    expect(countIn(path.join(dir, 'app.db'), 'users')).toBe(0);

    const refused = await admin(dir, ['--from', fixture.url]).done;
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('users 8: bad phone "1380013800"');
    expect(refused.out).toContain('goods_order 205: demand 999 was not imported (not in the old database)');
    expect(refused.out).toContain('Exit code 1: rows were refused (--allow-refusals accepts that).');

    const allowed = await admin(dir, ['--from', fixture.url, '--allow-refusals']).done;
    expect(allowed.code).toBe(0);
    expect(countIn(path.join(dir, 'app.db'), 'users')).toBe(7);
  }, 180_000);

  it('refuses bad options with the option named', async () => {
    const answer = await admin(dataDir(), ['--from', 'postgres://x/y']).done;
    expect(answer.code).toBe(1);
    expect(answer.out).toContain('--from');
    // Options that change how the old rows read are refused as in DATABASE_URL.
    const decimals = await admin(dataDir(), ['--from', 'mysql://u:p@old-db/olddb?decimalNumbers=true']).done;
    expect(decimals.code).toBe(1);
    expect(decimals.out).toContain("--from's ?decimalNumbers is not taken");
  }, 60_000);
});
