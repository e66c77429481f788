import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const consoleDir = path.resolve(import.meta.dirname, '..');
const repository = path.dirname(consoleDir);

/** What the console's bundle is made of: its own sources, and the SDK sources it is bundled with. */
const sources = [
  path.join(consoleDir, 'src'),
  path.join(consoleDir, 'index.html'),
  path.join(consoleDir, 'vite.config.ts'),
  path.join(repository, 'client-sdk', 'src'),
  path.join(repository, 'server', 'src', 'trpc', 'limits.ts'),
  path.join(repository, 'package-lock.json'),
];

function newestChange(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(file).map((name) => newestChange(path.join(file, name))));
}

/** Why the console needs building (no build, or sources newer than it), or null when it is current. */
export function consoleBuildIsStale(): string | null {
  const built = path.join(consoleDir, 'dist', 'index.html');
  if (!existsSync(built)) return 'console/dist is missing';
  return newestChange(built) < Math.max(...sources.map(newestChange)) ? 'its sources changed since' : null;
}
