import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { systemClock } from '../clock.js';
import { type Config, loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import { AppError } from '../errors.js';
import type { FileStorage } from '../features/uploads/storage.js';
import { openFileStorage } from '../features/uploads/storage-driver.js';
import { openKeyValueStore } from '../kv/open-store.js';
import type { KeyValueStore } from '../kv/store.js';
import { createLogger } from '../logger.js';
import { createServices } from '../services.js';
import { createSmsSender } from '../sms/sms-sender.js';
import { noTelemetry } from '../telemetry.js';
import { commands } from './commands.js';

/**
 * How this CLI is run, as its usage shows it: `npm run admin --` from the TypeScript sources; the
 * compiled file itself on a pruned machine, where the npm script is gone with tsx.
 */
function invocation(): string {
  const script = process.argv[1] ?? '';
  return script.endsWith('.js') ? `node ${path.relative(process.cwd(), script)}` : 'npm run admin --';
}

/**
 * `npm run admin -- <command> [--flags]`: operations on the configured database, for people
 * with shell access to the server. Each command lives in commands.ts.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  // Asked for, the usage is the answer (standard output, 0); a command that is not one is an error.
  const askedForHelp = name === undefined || ['help', '--help', '-h'].includes(name);
  if (!command) {
    const write = (line: string) => (askedForHelp ? process.stdout : process.stderr).write(`${line}\n`);
    if (!askedForHelp) write(`unknown command: ${name}`);
    write(`usage: ${invocation()} <command> [options]\n\ncommands:`);
    for (const [commandName, c] of Object.entries(commands)) write(`  ${commandName.padEnd(22)} ${c.usage}`);
    return askedForHelp && name !== undefined ? 0 : 2;
  }
  if (rest.some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`usage: ${invocation()} ${name} ${command.usage}\n`);
    return 0;
  }
  const { values } = parseArgs({ args: rest, options: command.options, strict: true });
  // Flags are judged before anything is opened: a typo neither waits on the database nor migrates it.
  const work = await command.prepare(values as Record<string, unknown>, () => firstLineOf(process.stdin));
  const config = loadConfig();
  // Four connections: the legacy import writes two batches at once beside its reads.
  const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 4 });
  let kv: KeyValueStore | undefined;
  let storage: FileStorage | undefined;
  try {
    await migrateToLatest(database.db);
    // The same stores and services the server uses (Redis when configured, so a command that ends
    // sessions ends them for the server too). Logs go to standard error: standard output carries
    // the command's answer alone.
    kv = await openKeyValueStore(config);
    // Run without the service's environment, a command writes to a store the service does not
    // read and still succeeds: the operator sees where it wrote (standard error).
    process.stderr.write(`stores: ${storesOf(config)}\n`);
    const log = createLogger(config, pino.destination({ dest: 2, sync: true }));
    const sms = createSmsSender(config, log);
    storage = await openFileStorage(config.storage);
    const services = createServices({
      config,
      database,
      kv,
      sms,
      storage,
      clock: systemClock,
      log,
      telemetry: noTelemetry,
    });
    const say = (line: string) => process.stdout.write(`${line}\n`);
    const outcome = await work({ config, database, kv, services, say });
    const { message, exitCode } = typeof outcome === 'string' ? { message: outcome, exitCode: 0 } : outcome;
    say(message);
    return exitCode;
  } finally {
    await kv?.close();
    await storage?.close();
    await database.close();
  }
}

/** The database and the session store a command uses, as an operator would name them (no password). */
function storesOf(config: Config): string {
  let database = `SQLite ${path.resolve(config.dataDir, 'app.db')}`;
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    database = `MySQL ${url.hostname}:${url.port || 3306}${url.pathname}`;
  }
  const sessions = config.redisUrl
    ? `Redis ${config.redisUrl.replace(/\/\/[^@/]*@/, '//')}`
    : 'in-process (no REDIS_URL): the running service keeps its sessions and limits in its own memory';
  return `${database}; ${sessions}`;
}

/** The first line of a stream ('' when it ends before one), its line break left off. */
async function firstLineOf(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A refusal of the service's own is named by its code too, as the README and the API name it.
    const code = error instanceof AppError ? ` (${error.appCode})` : '';
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}${code}\n`);
    process.exit(1);
  },
);
