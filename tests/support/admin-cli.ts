import { commands } from '../../server/src/cli/commands.js';
import { systemClock } from '../../server/src/clock.js';
import { openFileStorage } from '../../server/src/features/uploads/storage-driver.js';
import { createLogger } from '../../server/src/logger.js';
import { createServices } from '../../server/src/services.js';
import { noTelemetry } from '../../server/src/telemetry.js';
import type { TestApp } from './test-app.js';

/**
 * Runs an `npm run admin` command in-process against the test app's stores, with the services
 * wired by the composition root as `server/src/cli/admin.ts` wires them (the system clock, as the
 * CLI has). Answers the line the CLI prints.
 */
export async function runAdmin(
  t: TestApp,
  name: string,
  values: Record<string, unknown>,
  /** What the command reads as the first line of standard input. */
  stdin = '',
): Promise<string> {
  const command = commands[name];
  if (!command) throw new Error(`no admin command ${name}`);
  const log = createLogger({ logLevel: 'silent' });
  const storage = await openFileStorage(t.config.storage);
  const services = createServices({
    config: t.config,
    database: t.stores.database,
    kv: t.stores.kv,
    sms: t.sms,
    storage,
    clock: systemClock,
    log,
    telemetry: noTelemetry,
  });
  try {
    const work = await command.prepare(values, async () => stdin);
    const outcome = await work({ config: t.config, database: t.stores.database, kv: t.stores.kv, services });
    return typeof outcome === 'string' ? outcome : outcome.message;
  } finally {
    await storage.close();
  }
}
