import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import { commands } from './commands.js';

/**
 * `npm run admin -- <command> [--flags]`: operations on the configured database, for people
 * with shell access to the server. Each command lives in commands.ts.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`usage: npm run admin -- <command> [options]\n\ncommands:\n`);
    for (const [commandName, c] of Object.entries(commands)) {
      process.stderr.write(`  ${commandName.padEnd(22)} ${c.usage}\n`);
    }
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: command.options, strict: true });
  const config = loadConfig();
  const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await migrateToLatest(database.db);
    const message = await command.run({ config, database, values: values as Record<string, unknown> });
    process.stdout.write(`${message}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
