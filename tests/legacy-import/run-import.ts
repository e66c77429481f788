import { importLegacy } from '../../server/src/legacy-import/importer.js';
import { servicesOf } from '../support/services.js';
import type { TestApp } from '../support/test-app.js';

/** Runs the import into the test app's database with the app's own services. */
export function runImport(
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
) {
  return importLegacy(
    {
      database: t.stores.database,
      services: servicesOf(t),
      clock: t.clock,
      timeZone: t.config.displayTimeZone,
      say: () => {},
    },
    { from, prefix: 'h_', usersTable: 'users', dryRun: false, batchSize: 2, ...options },
  );
}
