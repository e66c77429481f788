import { createLogger } from '../../server/src/logger.js';
import { createServices, type Services } from '../../server/src/services.js';
import type { TestApp } from './test-app.js';

/**
 * The feature services over the test app's stores and clock, wired by the composition root as the
 * admin CLI wires them: what the importer works with.
 */
export function servicesOf(t: TestApp): Services {
  return createServices({
    config: t.config,
    database: t.stores.database,
    kv: t.stores.kv,
    sms: t.sms,
    clock: t.clock,
    log: createLogger({ logLevel: 'silent' }),
  });
}
