import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './instances.js';

const run = promisify(execFile);

/** A 4 MB redo log instead of 96: a test's server writes little, and starts sooner. */
const smallRedoLog = '--innodb-log-file-size=4M';

/** Whether Debian's MariaDB server binaries are here to start a server of a test's own from. */
export async function canStartMariaDb(): Promise<boolean> {
  try {
    await run('mariadbd', ['--version']);
  } catch {
    return false;
  }
  // It answers --help with exit status 1, so only whether it is there is asked.
  return run('sh', ['-c', 'command -v mariadb-install-db']).then(
    () => true,
    () => false,
  );
}

/**
 * A MariaDB server of the test's own (an empty data folder, a free loopback port, root without a
 * password), started with `serverOptions`: settings a test must not make on the shared server, whose
 * other clients the whole suite is.
 */
export class MariaDbServer {
  private constructor(
    private readonly dir: string,
    private readonly process: ChildProcess,
    readonly url: string,
  ) {}

  /**
   * Within 40 s (installing, then starting), so that a suite's 60 s hook never gives up on a server
   * still starting, which would then run unstopped; a failure removes what was made.
   */
  static async start(serverOptions: readonly string[], database = 'test'): Promise<MariaDbServer> {
    const dir = mkdtempSync(path.join(tmpdir(), 'svc-mariadb-'));
    // A folder of its own for temporary files: a server starting deletes every `#sql*` file in its
    // tmpdir, and in /tmp those were the temporary tables of the suite's shared server, whose query
    // then failed (Error on delete of '/tmp/#sql-temptable-...').
    const tempDir = path.join(dir, 'tmp');
    mkdirSync(tempDir);
    const own = [`--datadir=${path.join(dir, 'data')}`, `--tmpdir=${tempDir}`, smallRedoLog];
    try {
      await run(
        'mariadb-install-db',
        ['--no-defaults', ...own, '--auth-root-authentication-method=normal', '--skip-test-db'],
        { timeout: 20_000 },
      );
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const port = await freePort();
    const child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        // mariadbd refuses to run as root unless told to.
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
        ...own,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${path.join(dir, 'mariadb.sock')}`,
        `--pid-file=${path.join(dir, 'mariadb.pid')}`,
        '--innodb-buffer-pool-size=16M',
        ...serverOptions,
      ],
      { stdio: 'ignore' },
    );
    const server = new MariaDbServer(dir, child, `mysql://root@127.0.0.1:${port}/${database}`);
    try {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const connection = await createConnection({ host: '127.0.0.1', port, user: 'root' }).catch(
          () => undefined,
        );
        if (connection) {
          await connection.query(`CREATE DATABASE ${database}`);
          await connection.end();
          return server;
        }
        if (child.exitCode !== null || Date.now() > deadline) throw new Error('mariadbd did not start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
