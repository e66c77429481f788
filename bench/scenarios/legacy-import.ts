import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { systemClock } from '../../server/src/clock.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrator.js';
import { openFileStorage } from '../../server/src/features/uploads/storage-driver.js';
import { MemoryStore } from '../../server/src/kv/memory-store.js';
import { importLegacy } from '../../server/src/legacy-import/importer.js';
import { createLogger } from '../../server/src/logger.js';
import { createServices } from '../../server/src/services.js';
import { ConsoleSmsSender } from '../../server/src/sms/sms-sender.js';
import { noTelemetry } from '../../server/src/telemetry.js';
import { fillBulk } from '../../tests/support/legacy-bulk.js';
import { createLegacyDatabase } from '../../tests/support/legacy-db.js';
import { benchSecret } from '../data.js';
import type { BenchOptions } from '../options.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
/** What the import's rows per second must reach on this machine (issue 15). */
const targetRowsPerSecond = 20_000;

/**
 * `npm run bench -- --import`: builds an old backend's database (10k users, 100k demands with
 * applications by default; `--scale` sets the demands) in MySQL, imports it into a fresh
 * `<db-url>_import` database through the service's own importer, and reports rows per second per
 * table and overall. Both databases are dropped afterwards. This runs in the bench process itself
 * (unpinned): the importer is a CLI, not a server.
 */
export async function legacyImportBench(options: BenchOptions): Promise<void> {
  const target = new URL(options.databaseUrl);
  const targetName = `${decodeURIComponent(target.pathname.replace(/^\//, ''))}_import`;
  if (!/^[A-Za-z0-9_]+$/.test(targetName))
    throw new Error(`bench database name must be a plain identifier: ${targetName}`);
  target.pathname = `/${targetName}`;

  const filling = performance.now();
  const legacy = await createLegacyDatabase(options.databaseUrl);
  try {
    const size = await fillBulk(legacy, { users: options.users, demands: options.demands });
    say(
      `old database ${legacy.name}: ${size.rows.toLocaleString('en')} rows (${size.users} users, ${size.demands} demands, ${size.applications} applications) built in ${((performance.now() - filling) / 1000).toFixed(1)} s`,
    );
    await recreate(target);
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: target.toString(),
      APP_SECRET: benchSecret,
      DATA_DIR: path.resolve('.tmp/bench/import'),
      SMS_PROVIDER: 'webhook',
      SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms',
      LOG_LEVEL: 'warn',
    });
    const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 4 });
    const kv = new MemoryStore();
    const storage = await openFileStorage(config.storage);
    try {
      await migrateToLatest(database.db);
      const log = createLogger(config);
      const services = createServices({
        config,
        database,
        kv,
        sms: new ConsoleSmsSender(),
        storage,
        clock: systemClock,
        log,
        telemetry: noTelemetry,
      });
      const started = performance.now();
      const memory = peakMemory();
      const report = await importLegacy(
        { database, services, clock: systemClock, timeZone: config.displayTimeZone, say },
        { from: legacy.url, prefix: 'h_', usersTable: 'users', dryRun: false, batchSize: 1000 },
      );
      const seconds = (performance.now() - started) / 1000;
      const peak = memory.stop();
      const rows = report.tables.reduce((n, t) => n + t.read, 0);
      const lines = [
        `Legacy import: ${rows.toLocaleString('en')} old rows in ${seconds.toFixed(1)} s = **${Math.round(rows / seconds).toLocaleString('en')} rows/s** (target ≥ ${targetRowsPerSecond.toLocaleString('en')}: ${rows / seconds >= targetRowsPerSecond ? 'met' : '**missed**'}), MySQL → MySQL, batches of 1000, ${report.files.external.toLocaleString('en')} file URLs recorded as external.`,
        '',
        `The checks after the tables (the ledger, the escrows, ${report.sharedEscrow.length.toLocaleString('en')} escrows shared among applicants allocated nothing): ${report.checkSeconds.toFixed(1)} s.`,
        `Peak memory of the bench process during the import: ${peak.rssMb} MB resident, ${peak.heapMb} MB of heap in use (garbage not yet collected included).`,
        '',
        '| table | rows | imported | refused | seconds | rows/s |',
        '|---|---:|---:|---:|---:|---:|',
        ...report.tables
          .filter((t) => t.read > 0)
          .map(
            (t) =>
              `| ${t.name} | ${t.read} | ${t.imported} | ${t.refusals.length} | ${t.seconds.toFixed(2)} | ${Math.round(t.read / Math.max(t.seconds, 0.001))} |`,
          ),
      ];
      if (report.refusalCount > 0 || report.ledgerProblems.length > 0) {
        throw new Error(`the import refused rows or broke the ledger:\n${report.format()}`);
      }
      const text = lines.join('\n');
      say(`\n${text}\n`);
      mkdirSync(path.resolve('.tmp/bench'), { recursive: true });
      writeFileSync(path.resolve('.tmp/bench/import.md'), `${text}\n`);
    } finally {
      await Promise.allSettled([database.close(), kv.close(), storage.close()]);
      await drop(target);
    }
  } finally {
    await legacy.drop();
  }
}

/** The process's largest resident set and heap in use, sampled every 100 ms until `stop`. */
function peakMemory(): { stop(): { rssMb: number; heapMb: number } } {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
  };
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
      return { rssMb: mb(rss), heapMb: mb(heap) };
    },
  };
}

async function recreate(url: URL): Promise<void> {
  const name = url.pathname.slice(1);
  const server = new URL(url);
  server.pathname = '/';
  const connection = await createConnection({ uri: server.toString() });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

async function drop(url: URL): Promise<void> {
  const server = new URL(url);
  server.pathname = '/';
  const connection = await createConnection({ uri: server.toString() });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${url.pathname.slice(1)}\``);
  } finally {
    await connection.end();
  }
}
