import { spawnSync } from 'node:child_process';
import { consoleBuildIsStale } from './build-state.js';

/*
 * `npm start` runs this first (prestart): a fresh clone, or a pull that changed the console, builds
 * it before the service serves it. A current build costs a few stat calls.
 */
const why = consoleBuildIsStale();
if (why) {
  console.log(`Building the operators console (${why})...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const built = spawnSync(npm, ['run', 'build:console'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
