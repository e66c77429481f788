import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrator.js';
import { embeddedDataWarning, embeddedFileModeWarning } from '../../server/src/ops/embedded-data-warning.js';
import { sharedStateWarnings } from '../../server/src/ops/shared-state-warnings.js';
import { uploadSlotWarning } from '../../server/src/ops/upload-slot-warning.js';
import { testDatabaseUrl, testRedisUrl } from '../support/backends.js';
import { freePort, ServiceInstance } from '../support/instances.js';

const secret = 'Zq3v9Lw0pXe7Rk2mTn5bYc8uHs1dGf4j';
const mysql = 'mysql://app@db.internal:3306/market';
const warningsOf = (env: Record<string, string>) =>
  sharedStateWarnings(loadConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'warn-')), ...env }));

describe('warnings at start about state a second instance would not share', () => {
  it('names each setting left to one process or machine when the database is shared', () => {
    const warnings = warningsOf({ DATABASE_URL: mysql });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^REDIS_URL is unset/);
    expect(warnings[1]).toMatch(/^APP_SECRET is unset: .*app-secret\)/);
    expect(warnings[2]).toMatch(/^STORAGE is disk/);
  });

  it('says nothing once they are shared, or on the embedded database', () => {
    expect(
      warningsOf({
        DATABASE_URL: mysql,
        REDIS_URL: 'redis://cache.internal:6379/0',
        APP_SECRET: secret,
        STORAGE: 's3',
        S3_BUCKET: 'uploads',
        S3_REGION: 'cn-north-1',
      }),
    ).toEqual([]);
    expect(warningsOf({})).toEqual([]);
  });

  it.runIf(testDatabaseUrl && testRedisUrl)(
    'logs them as the service starts',
    async () => {
      const started = async (env: Record<string, string>) => {
        const instance = new ServiceInstance('warn', await freePort(), {
          DATABASE_URL: testDatabaseUrl ?? '',
          ...env,
        });
        await instance.start();
        await instance.stop();
        return instance.output;
      };
      const alone = await started({});
      expect(alone).toMatch(/"level":40[^\n]*REDIS_URL is unset/);
      expect(alone).toMatch(/"level":40[^\n]*APP_SECRET is unset/);
      expect(alone).not.toContain('holds an embedded database');
      const shared = await started({
        REDIS_URL: testRedisUrl ?? '',
        APP_SECRET: secret,
        DATA_DIR: await embeddedDeployment(),
      });
      expect(shared).not.toContain('REDIS_URL is unset');
      expect(shared).not.toContain('APP_SECRET is unset');
      expect(shared).toMatch(/"level":40[^\n]*STORAGE is disk/);
      expect(shared).toMatch(
        /"level":40[^\n]*app\.db holds an embedded database this service no longer reads/,
      );
    },
    240_000,
  );
});

/** A DATA_DIR the embedded default has served from: its database migrated, with `accounts` accounts. */
async function embeddedDeployment(accounts = 1): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'warn-embedded-'));
  const database = openDatabase({ url: undefined, dataDir: dir, poolSize: 1 });
  try {
    await migrateToLatest(database.db);
    for (let i = 0; i < accounts; i++) {
      await database.db
        .insertInto('users')
        .values({
          phone: `1380013800${i}`,
          usertype: 1,
          userstate: 0,
          is_admin: 0,
          email: '',
          face: '',
          address: '',
          created_at: Date.now(),
          updated_at: Date.now(),
        })
        .execute();
    }
  } finally {
    await database.close();
  }
  return dir;
}

describe('a warning at start about an embedded database left behind', () => {
  it('says its data is not on MySQL when DATABASE_URL is set beside a DATA_DIR that served it', async () => {
    const served = await embeddedDeployment();
    expect(embeddedDataWarning(loadConfig({ DATA_DIR: served, DATABASE_URL: mysql }))).toMatch(
      /^DATABASE_URL is set, and .*app\.db holds an embedded database/,
    );
    // Served by it still, never served, or started once without an account: nothing to say.
    expect(embeddedDataWarning(loadConfig({ DATA_DIR: served }))).toBeUndefined();
    const fresh = mkdtempSync(path.join(tmpdir(), 'warn-'));
    expect(embeddedDataWarning(loadConfig({ DATA_DIR: fresh, DATABASE_URL: mysql }))).toBeUndefined();
    const empty = await embeddedDeployment(0);
    expect(embeddedDataWarning(loadConfig({ DATA_DIR: empty, DATABASE_URL: mysql }))).toBeUndefined();
    // A DATA_DIR that is no folder is the start's to judge, not the warning's: it says nothing.
    const notAFolder = path.join(fresh, 'a-file');
    writeFileSync(notAFolder, 'x');
    expect(
      embeddedDataWarning(loadConfig({ DATA_DIR: notAFolder, DATABASE_URL: mysql, APP_SECRET: secret })),
    ).toBeUndefined();
  });
});

describe('a warning at start about embedded files others can read', () => {
  it('names the database and the secret file restored readable by every user of the machine', async () => {
    const served = await embeddedDeployment();
    const config = () => loadConfig({ DATA_DIR: served });
    // As the service made them: its user's alone.
    expect(embeddedFileModeWarning(config())).toBeUndefined();
    // As a restore with the default umask leaves them.
    chmodSync(path.join(served, 'app.db'), 0o644);
    chmodSync(path.join(served, 'app-secret'), 0o644);
    expect(embeddedFileModeWarning(config())).toMatch(
      /^\S*app\.db, \S*app-secret can be read by other users of this machine/,
    );
    // On MySQL the embedded file is none of the service's business; a secret from APP_SECRET has no file.
    expect(embeddedFileModeWarning(loadConfig({ DATA_DIR: served, DATABASE_URL: mysql }))).toMatch(
      /^\S*app-secret can be read/,
    );
    expect(
      embeddedFileModeWarning(loadConfig({ DATA_DIR: served, DATABASE_URL: mysql, APP_SECRET: secret })),
    ).toBeUndefined();
    chmodSync(path.join(served, 'app.db'), 0o600);
    chmodSync(path.join(served, 'app-secret'), 0o600);
    expect(embeddedFileModeWarning(config())).toBeUndefined();
    // A journal restored beside it holds recent rows as well.
    const journal = path.join(served, 'app.db-wal');
    writeFileSync(journal, '');
    chmodSync(journal, 0o644);
    expect(embeddedFileModeWarning(config())).toMatch(/^\S*app\.db-wal can be read/);
  });
});

describe('a warning at start about upload slots', () => {
  it('says when one client may hold every upload slot of the object store', () => {
    const s3 = { STORAGE: 's3', S3_BUCKET: 'uploads', S3_REGION: 'cn-north-1' };
    const slotWarning = (env: Record<string, string>) =>
      uploadSlotWarning(loadConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'warn-')), ...s3, ...env }));
    expect(slotWarning({})).toBeUndefined();
    expect(slotWarning({ UPLOADS_PER_CLIENT: '7' })).toBeUndefined();
    expect(slotWarning({ UPLOADS_PER_CLIENT: '8' })).toMatch(
      /^UPLOADS_PER_CLIENT \(8\) is not below S3_UPLOAD_CONCURRENCY \(8\)/,
    );
    expect(slotWarning({ UPLOADS_PER_CLIENT: '4', S3_UPLOAD_CONCURRENCY: '2' })).toMatch(/\(4\).*\(2\)/);
    // On disk there are no such slots.
    expect(
      uploadSlotWarning(
        loadConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'warn-')), UPLOADS_PER_CLIENT: '20' }),
      ),
    ).toBeUndefined();
  });
});
