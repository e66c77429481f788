import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrator.js';
import { StartupError } from '../../server/src/startup-error.js';
import { testDatabaseUrl } from '../support/backends.js';
import { failedStart } from '../support/processes.js';

describe('a start that fails on its surroundings', () => {
  it('names the port that is taken, on one line', { timeout: 60_000 }, async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const { code, errors } = await failedStart({ PORT: String(port) });
      expect(code).toBe(1);
      expect(errors).toBe(
        `failed to start: PORT, HOST (127.0.0.1:${port}): listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
      );
    } finally {
      taken.close();
    }
  });

  it('names DATA_DIR or UPLOAD_DIR when a file stands where the folder should, on one line', {
    timeout: 60_000,
  }, async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'svc-file-')), 'not-a-folder');
    writeFileSync(file, 'x');
    // Before: "failed to start: Error: EEXIST ..." and a stack through the config reader.
    const data = await failedStart({ DATA_DIR: file });
    expect(data.code).toBe(1);
    expect(data.errors).toBe(`DATA_DIR (${file}): EEXIST: file already exists, mkdir '${file}'`);
    const uploads = await failedStart({ UPLOAD_DIR: file });
    expect(uploads.code).toBe(1);
    expect(uploads.errors).toMatch(
      new RegExp(
        `^failed to start: UPLOAD_DIR \\(${file}\\): file storage \\(disk\\) is not usable: .*EEXIST`,
      ),
    );
  });

  it.runIf(testDatabaseUrl)(
    'names DATABASE_URL for a database that does not exist, on one line',
    { timeout: 60_000 },
    async () => {
      const url = new URL(testDatabaseUrl as string);
      url.pathname = '/svc_no_such_database';
      const { code, errors } = await failedStart({ DATABASE_URL: url.toString() });
      expect(code).toBe(1);
      expect(errors).toBe(`failed to start: DATABASE_URL: Unknown database 'svc_no_such_database'`);
    },
  );
});

/**
 * MySQL runs schema statements outside transactions: a user without one right the migrations need
 * must be refused before the first of them, or the half-made schema refuses every later start.
 */
describe.runIf(testDatabaseUrl)('migrating as a MySQL user without the TRIGGER right', () => {
  const suffix = randomBytes(4).toString('hex');
  const name = `svc_rights_${suffix}`;
  const user = `svc_rights_${suffix}`;
  const admin = openDatabase({ url: testDatabaseUrl as string, dataDir: tmpdir(), poolSize: 1 });
  afterAll(async () => {
    await sql.raw(`drop database if exists ${name}`).execute(admin.db);
    await sql.raw(`drop user if exists '${user}'@'%'`).execute(admin.db);
    await admin.close();
  });

  it('is refused naming the right, with nothing written, and migrates once it has it', async () => {
    await sql
      .raw(`create database ${name} character set utf8mb4 collate utf8mb4_unicode_ci`)
      .execute(admin.db);
    await sql.raw(`create user '${user}'@'%' identified by 'rights-pw'`).execute(admin.db);
    const rights = 'select, insert, update, delete, create, alter, index, drop, references, lock tables';
    await sql.raw(`grant ${rights} on ${name}.* to '${user}'@'%'`).execute(admin.db);
    const url = new URL(testDatabaseUrl as string);
    url.username = user;
    url.password = 'rights-pw';
    url.pathname = `/${name}`;
    const tables = () =>
      sql<{
        name: string;
      }>`select table_name as name from information_schema.tables where table_schema = ${name}`
        .execute(admin.db)
        .then((result) => result.rows.map((row) => row.name));

    // A connection of its own each time: MySQL reads a database's rights when a connection opens.
    let limited = openDatabase({ url: url.toString(), dataDir: tmpdir(), poolSize: 1 });
    try {
      const refusal = await migrateToLatest(limited.db).catch((error: unknown) => error);
      await limited.close();
      expect(refusal).toBeInstanceOf(StartupError);
      expect((refusal as Error).message).toMatch(
        /^the database user may not run the migrations \(TRIGGER\): .*TRIGGER/,
      );
      expect(await tables()).toEqual([]);

      await sql.raw(`grant trigger on ${name}.* to '${user}'@'%'`).execute(admin.db);
      limited = openDatabase({ url: url.toString(), dataDir: tmpdir(), poolSize: 1 });
      const applied = await migrateToLatest(limited.db);
      expect(applied.results?.every((result) => result.status === 'Success')).toBe(true);
      expect(await tables()).toContain('ledger_entries');
    } finally {
      await limited.close();
    }
  });
});
