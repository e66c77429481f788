import { z } from 'zod';
import { type Command, parseFlags } from '../cli/command.js';
import { systemClock } from '../clock.js';
import { type Config, mysqlUrl } from '../config.js';
import { importLegacy as runImport } from './importer.js';

const identifier = z.string().regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _ only');

/** `npm run admin -- import-legacy --from mysql://...`: the old backend's database and files. */
export const importLegacy: Command = {
  usage:
    '--from mysql://user:pass@host:3306/olddb [--prefix h_] [--users-table users] [--files-root DIR] [--dry-run] [--batch N] [--allow-refusals]   import the old backend',
  options: {
    from: { type: 'string' },
    prefix: { type: 'string' },
    'users-table': { type: 'string' },
    'files-root': { type: 'string' },
    'dry-run': { type: 'boolean' },
    batch: { type: 'string' },
    'allow-refusals': { type: 'boolean' },
  },
  async prepare(values) {
    const flags = parseFlags(
      {
        // Checked as DATABASE_URL is: ?decimalNumbers=true, say, would change how old money reads.
        from: mysqlUrl('--from'),
        prefix: identifier.default('h_'),
        'users-table': identifier.min(1).default('users'),
        'files-root': z.string().min(1).optional(),
        'dry-run': z.boolean().default(false),
        batch: z.coerce.number().int().min(1).max(10_000).default(1000),
        'allow-refusals': z.boolean().default(false),
      },
      values,
    );
    return async ({ config, database, services, say }) => {
      // An operator whose shell lost DATABASE_URL would otherwise fill an SQLite file here unawares.
      const target = flags['dry-run']
        ? `Dry run: checking what would be imported into ${targetOf(config)}; nothing is written.`
        : `Importing into ${targetOf(config)}.`;
      say?.(target);
      const stop = stopSaying(flags['dry-run']);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const report = await runImport(
        { database, services, clock: systemClock, timeZone: config.displayTimeZone, say: say ?? (() => {}) },
        {
          from: flags.from,
          prefix: flags.prefix,
          usersTable: flags['users-table'],
          filesRoot: flags['files-root'],
          dryRun: flags['dry-run'],
          batchSize: flags.batch,
        },
      ).finally(() => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      });
      const refused = report.refusalCount > 0 && !flags['allow-refusals'];
      return {
        message:
          `${target}\n\n${report.format()}` +
          (refused ? '\n\nExit code 1: rows were refused (--allow-refusals accepts that).' : ''),
        exitCode: report.failed || refused ? 1 : 0,
      };
    };
  },
};

/**
 * Ctrl-C or a SIGTERM stops the import where it is, saying so: it used to end without a word, and
 * the operator could not tell a stop from a finish. The batch in progress is one transaction, which
 * the database rolls back when the connection closes; the batches before it are kept.
 */
function stopSaying(dryRun: boolean) {
  return (signal: NodeJS.Signals) => {
    process.stderr.write(
      dryRun
        ? `\n${signal}: dry run stopped; nothing was written.\n`
        : `\n${signal}: import stopped. The batches written are kept and the one in progress is undone; run the same command again to finish.\n`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
}

/** The database the import writes into, in words, without a password. */
export function targetOf(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (!config.databaseUrl) {
    return `the embedded SQLite database in ${config.dataDir} (DATABASE_URL is not set)`;
  }
  const url = new URL(config.databaseUrl);
  return `MySQL database ${decodeURIComponent(url.pathname.slice(1))} on ${url.host}`;
}
