import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './instances.js';

const run = promisify(execFile);

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

  static async start(serverOptions: readonly string[], database = 'test'): Promise<MariaDbServer> {
    const dir = mkdtempSync(path.join(tmpdir(), 'svc-mariadb-'));
    const dataDir = path.join(dir, 'data');
    await run('mariadb-install-db', [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ]);
    const port = await freePort();
    const child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        // mariadbd refuses to run as root unless told to.
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
        `--datadir=${dataDir}`,
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
      const deadline = Date.now() + 30_000;
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
