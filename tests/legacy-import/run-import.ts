import { afterAll, beforeAll } from 'vitest';
import { importLegacy } from '../../server/src/legacy-import/importer.js';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { type Backend, testDatabaseUrl, withPrivateDatabase } from '../support/backends.js';
import { createLegacyDatabase, type LegacyDatabase } from '../support/legacy-db.js';
import { openServices } from '../support/services.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * An old database filled by `fill`, an app on a database of its own, and the report of one import
 * from the first into the second: what most import suites start from (importForSuite).
 * `closeImported` ends both.
 */
async function importFresh(backend: Backend, fill: (legacy: LegacyDatabase) => Promise<void>) {
  const legacy = await createLegacyDatabase(testDatabaseUrl as string);
  await fill(legacy);
  const t = await startTestApp(withPrivateDatabase(backend));
  return { legacy, t, report: await runImport(t, legacy.url) };
}

export async function closeImported(imported: { t?: TestApp; legacy?: LegacyDatabase }): Promise<void> {
  await imported.t?.close();
  await imported.legacy?.drop();
}

type Imported = Awaited<ReturnType<typeof importFresh>>;

/**
 * `importFresh` before the suite's tests and `closeImported` after them; `use` takes what the
 * import made (`({ t, report } = imported)`) and may set up more with it.
 */
export function importForSuite(
  backend: Backend,
  fill: (legacy: LegacyDatabase) => Promise<void>,
  use: (imported: Imported) => unknown,
): void {
  let imported: Imported | undefined;
  beforeAll(async () => {
    imported = await importFresh(backend, fill);
    await use(imported);
  }, 60_000);
  afterAll(() => closeImported(imported ?? {}));
}

/** Runs the import into the test app's database, with services wired as the admin CLI wires them. */
export async function runImport(
  t: TestApp,
  from: string,
  options: {
    filesRoot?: string;
    stopAfterBatches?: number;
    batchSize?: number;
    dryRun?: boolean;
    prefix?: string;
    usersTable?: string;
  } = {},
): Promise<ImportReport> {
  const { services, close } = await openServices(t);
  try {
    return await importLegacy(
      {
        database: t.stores.database,
        services,
        clock: t.clock,
        timeZone: t.config.displayTimeZone,
        say: () => {},
      },
      { from, prefix: 'h_', usersTable: 'users', dryRun: false, batchSize: 2, ...options },
    );
  } finally {
    await close();
  }
}
