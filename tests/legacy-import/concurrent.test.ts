import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/src/legacy-import/report.js';
import { ImportAlreadyRunning } from '../../server/src/legacy-import/run-lock.js';
import { backends, testDatabaseUrl, withPrivateDatabase } from '../support/backends.js';
import { createLegacyDatabase, type LegacyDatabase } from '../support/legacy-db.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { fillOldDatabase } from './old-data.js';
import { runImport } from './run-import.js';

/*
 * Two imports started at once into one MySQL database (two operators, or a script run twice):
 * each failed the other's batches with a duplicate key ("Duplicate entry '7' for key 'PRIMARY'")
 * and neither finished. One takes the database's import lock; the other stops at once, saying why.
 */

const mysqlBackends = backends.filter((backend) => backend.name !== 'embedded');

// MySQL only: the embedded database is one file, which one import writes at a time anyway. Without
// MySQL the suite is listed over the embedded backend and skipped (vitest refuses a file of none).
describe
  .skipIf(!testDatabaseUrl || mysqlBackends.length === 0)
  .each(mysqlBackends.length > 0 ? mysqlBackends : backends)(
  'two imports started at once ($name)',
  (backend) => {
    let legacy: LegacyDatabase;
    let t: TestApp;

    beforeAll(async () => {
      legacy = await createLegacyDatabase(testDatabaseUrl as string);
      await fillOldDatabase(legacy);
      t = await startTestApp(withPrivateDatabase(backend));
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await legacy?.drop();
    });

    it('lets one finish and stops the other before it writes, saying why', async () => {
      const outcomes = await Promise.allSettled([runImport(t, legacy.url), runImport(t, legacy.url)]);
      const finished = outcomes.filter(
        (outcome): outcome is PromiseFulfilledResult<ImportReport> => outcome.status === 'fulfilled',
      );
      const stopped = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(finished).toHaveLength(1);
      expect(stopped).toHaveLength(1);
      expect(stopped[0]?.reason).toBeInstanceOf(ImportAlreadyRunning);
      const report = finished[0]?.value;
      expect(report?.ledgerProblems).toEqual([]);
      expect(report?.tables.find((tally) => tally.name === 'users')).toMatchObject({
        imported: 7,
        skipped: 0,
      });
      // The lock went with the run: the next one runs, and finds everything there.
      const again = await runImport(t, legacy.url);
      expect(again.tables.every((tally) => tally.imported === 0)).toBe(true);
    });
  },
);
