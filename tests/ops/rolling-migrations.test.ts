import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrator.js';
import { testDatabaseUrl } from '../support/backends.js';
import { freePort, ServiceInstance } from '../support/instances.js';

/** A migration only a later version of the service has. */
const newerMigration = '20991231000000_from_a_later_version';

interface FreshDatabase {
  readonly name: 'embedded' | 'mysql';
  /** What the service is started with to use it. */
  readonly env: Record<string, string>;
  open(poolSize?: number): Database;
  drop(): Promise<void>;
}

/** An empty database of its own: a SQLite file in a fresh folder, or a MySQL database next to the test one. */
async function freshDatabase(kind: 'embedded' | 'mysql'): Promise<FreshDatabase> {
  if (kind === 'embedded') {
    const dir = mkdtempSync(path.join(tmpdir(), 'svc-migrations-'));
    return {
      name: kind,
      env: { DATA_DIR: dir },
      open: () => openDatabase({ url: undefined, dataDir: dir, poolSize: 1 }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = new URL(testDatabaseUrl as string);
  const name = `svc_review_mig_${randomBytes(5).toString('hex')}`;
  const admin = openDatabase({ url: url.toString(), dataDir: tmpdir(), poolSize: 1 });
  await sql.raw(`create database ${name} character set utf8mb4 collate utf8mb4_unicode_ci`).execute(admin.db);
  url.pathname = `/${name}`;
  return {
    name: kind,
    env: { DATABASE_URL: url.toString() },
    open: (poolSize = 2) => openDatabase({ url: url.toString(), dataDir: tmpdir(), poolSize }),
    drop: async () => {
      await sql.raw(`drop database if exists ${name}`).execute(admin.db);
      await admin.close();
    },
  };
}

/** Records a migration as run, as the newer version's migrator would have. */
async function markRun(database: Database, migration: string) {
  await sql`insert into kysely_migration (name, timestamp) values (${migration}, ${new Date().toISOString()})`.execute(
    database.db,
  );
}

const kinds = testDatabaseUrl ? (['embedded', 'mysql'] as const) : (['embedded'] as const);

describe.each(kinds)('migrations on a database a newer version migrated (%s)', (kind) => {
  const dropped: FreshDatabase[] = [];
  afterAll(async () => {
    for (const fresh of dropped) await fresh.drop();
  });

  /** Runs `work` on an empty database of its own, open until it ends; answers the database to start a service on. */
  async function withFresh(work: (database: Database) => Promise<void>): Promise<FreshDatabase> {
    const fresh = await freshDatabase(kind);
    dropped.push(fresh);
    const database = fresh.open();
    try {
      await work(database);
    } finally {
      await database.close();
    }
    return fresh;
  }

  it('leaves it as it is and says so, so the previous version can still start (rollback, restart mid-upgrade)', async () => {
    await withFresh(async (database) => {
      const first = await migrateToLatest(database.db);
      expect(first.results?.length).toBeGreaterThan(0);
      await markRun(database, newerMigration);
      const again = await migrateToLatest(database.db);
      expect(again.results).toEqual([]);
      expect(again.newer).toEqual([newerMigration]);
    });
  });

  it('refuses one that has a newer migration but lacks one of its own, naming both', async () => {
    await withFresh(async (database) => {
      await migrateToLatest(database.db);
      const { rows } = await sql<{ name: string }>`select max(name) as name from kysely_migration`.execute(
        database.db,
      );
      const last = rows[0]?.name as string;
      await sql`delete from kysely_migration where name = ${last}`.execute(database.db);
      await markRun(database, newerMigration);
      await expect(migrateToLatest(database.db)).rejects.toThrow(new RegExp(`${newerMigration}.*${last}`));
    });
  });

  it('refuses a database whose migrations are recorded but whose triggers are gone (a restore without them), naming them', async () => {
    await withFresh(async (database) => {
      await migrateToLatest(database.db);
      await sql.raw('drop trigger ledger_entries_no_update').execute(database.db);
      await sql.raw('drop trigger demand_counts_update').execute(database.db);
      await expect(migrateToLatest(database.db)).rejects.toThrow(
        /lacks the triggers ledger_entries_no_update, demand_counts_update\b.*Backups/,
      );
      // Also when a newer version has migrated it: that path skips the migrator.
      await markRun(database, newerMigration);
      await expect(migrateToLatest(database.db)).rejects.toThrow(/lacks the triggers/);
    });
  });

  it('starts the service (the real entry point) on it, ready, with a warning', {
    timeout: 120_000,
  }, async () => {
    const fresh = await withFresh(async (database) => {
      await migrateToLatest(database.db);
      await markRun(database, newerMigration);
    });
    const instance = new ServiceInstance(`review-mig-${kind}`, await freePort(), {
      ...fresh.env,
      APP_SECRET: 'rolling-migrations-secret-0123456789-abcdefgh',
      LOG_LEVEL: 'info',
    });
    try {
      await instance.start();
      expect((await fetch(`${instance.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await instance.stop()).toBe(0);
    }
    // Read once stopped: the log's buffer is written out by then.
    const warning = instance.output.split('\n').find((line) => line.includes(newerMigration));
    expect(warning).toContain('"level":40');
  });
});

describe.runIf(testDatabaseUrl)('migrations started at the same moment on an empty MySQL database', () => {
  it('apply once, every start succeeding', { timeout: 60_000 }, async () => {
    const fresh = await freshDatabase('mysql');
    const databases = Array.from({ length: 4 }, () => fresh.open(1));
    try {
      const outcomes = await Promise.all(databases.map((database) => migrateToLatest(database.db)));
      const applied = outcomes.flatMap((outcome) => outcome.results ?? []);
      const names = applied.map((result) => result.migrationName);
      expect(applied.every((result) => result.status === 'Success')).toBe(true);
      expect(new Set(names).size).toBe(names.length);
      const { rows } = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(
        (databases[0] as Database).db,
      );
      expect(Number(rows[0]?.n)).toBe(names.length);
    } finally {
      await Promise.all(databases.map((database) => database.close()));
      await fresh.drop();
    }
  });
});
