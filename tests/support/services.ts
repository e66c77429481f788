import type { Db } from '../../server/src/db/database.js';
import { openFileStorage } from '../../server/src/features/uploads/storage-driver.js';
import { createLogger } from '../../server/src/logger.js';
import { createServices, type Services } from '../../server/src/services.js';
import { noTelemetry } from '../../server/src/telemetry.js';
import type { TestApp } from './test-app.js';

/**
 * The feature services over the test app's stores, storage and clock, wired by the composition
 * root as the admin CLI wires them (what the importer works with), until `close`.
 */
export async function openServices(
  t: TestApp,
  /** The database as the services see it: a test's fault injection (a plugin) goes here. */
  seen: (db: Db) => Db = (db) => db,
): Promise<{ services: Services; close(): Promise<void> }> {
  const storage = await openFileStorage(t.config.storage);
  const services = createServices({
    config: t.config,
    database: { ...t.stores.database, db: seen(t.stores.database.db) },
    kv: t.stores.kv,
    sms: t.sms,
    storage,
    clock: t.clock,
    log: createLogger({ logLevel: 'silent' }),
    telemetry: noTelemetry,
  });
  return { services, close: () => storage.close() };
}
