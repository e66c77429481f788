import { importLegacy } from '../../server/src/legacy-import/importer.js';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { openServices } from '../support/services.js';
import type { TestApp } from '../support/test-app.js';

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
