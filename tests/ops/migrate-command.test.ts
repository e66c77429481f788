import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/backends.js';
import { runCommand } from '../support/processes.js';

const root = path.resolve(import.meta.dirname, '../..');

/** `npm run migrate`'s command, with only `env` (and PATH) in its environment. */
const migrate = (env: Record<string, string>) =>
  runCommand(process.execPath, ['--import', 'tsx', 'server/src/db/migrate-cli.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, ...env },
  });

/**
 * A deploy step that migrates before the service starts was refused, with a stack, for settings
 * that have nothing to do with migrating (the SMS gateway under NODE_ENV=production), and without
 * APP_SECRET it wrote a new secret into its folder. The command reads where the database is, and
 * nothing else.
 */
describe('the migration command', () => {
  it('migrates with only where the database is, and writes no secret', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'svc-migrate-'));
    const { code, output } = await migrate({ NODE_ENV: 'production', DATA_DIR: dataDir });
    expect(output).toMatch(/\bmigrated\n$/);
    expect(code).toBe(0);
    expect(existsSync(path.join(dataDir, 'app.db'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'app-secret'))).toBe(false);
  });

  it.runIf(testDatabaseUrl)(
    'migrates MySQL under NODE_ENV=production without SMS settings',
    {
      timeout: 60_000,
    },
    async () => {
      const { code, output } = await migrate({
        NODE_ENV: 'production',
        DATABASE_URL: testDatabaseUrl as string,
      });
      expect(output).toMatch(/(migrated|already up to date)\n$/);
      expect(code).toBe(0);
    },
  );

  it('refuses a bad DATABASE_URL on one line naming it', { timeout: 60_000 }, async () => {
    const { code, output } = await migrate({ DATABASE_URL: 'postgres://db/market' });
    expect(output).toBe(
      'migration failed: Invalid configuration:\nDATABASE_URL: DATABASE_URL must start with mysql://\n',
    );
    expect(code).toBe(1);
  });
});
