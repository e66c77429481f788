import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, until } from './instances.js';

const upInTime = 'the Redis cluster did not come up';

const run = promisify(execFile);

/** Whether Debian's redis-server and redis-cli are here to build a cluster from. */
export async function canStartRedisCluster(): Promise<boolean> {
  try {
    await run('redis-server', ['--version']);
    await run('redis-cli', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * A real Redis Cluster of `masters` redis-server processes on free loopback ports, formed with
 * `redis-cli --cluster create`. Its folder keeps each node's nodes.conf, so `stop()` then `start()`
 * brings the same cluster back (empty: nothing is persisted), as after an outage.
 */
export class RedisCluster {
  private readonly nodes: Array<{ port: number; process?: ChildProcess }>;

  private constructor(
    private readonly dir: string,
    ports: number[],
  ) {
    this.nodes = ports.map((port) => ({ port }));
  }

  static async create(masters = 3): Promise<RedisCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), 'svc-redis-cluster-'));
    const ports: number[] = [];
    while (ports.length < masters) {
      const port = await freeClusterPort();
      if (!ports.includes(port)) ports.push(port);
    }
    const cluster = new RedisCluster(dir, ports);
    try {
      await cluster.start();
      await run('redis-cli', [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      await cluster.waitUntilFormed();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** `redis-cluster://` naming every node, as REDIS_URL takes it. */
  get url(): string {
    return `redis-cluster://${this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',')}`;
  }

  /** Starts every node not running (again) and, when they were a cluster before, waits for it to be whole. */
  async start(): Promise<void> {
    for (const node of this.nodes) {
      if (node.process && node.process.exitCode === null) continue;
      node.process = spawn(
        'redis-server',
        [
          '--port',
          String(node.port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${node.port}.conf`,
          '--cluster-node-timeout',
          '2000',
          '--dir',
          this.dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--protected-mode',
          'no',
        ],
        { stdio: 'ignore' },
      );
    }
    for (const node of this.nodes)
      await until(() => cli(node.port, 'ping').then((out) => out === 'PONG'), upInTime, 20_000);
    if (await this.wasFormed()) await this.waitUntilFormed();
  }

  /** Stops every node at once, like a lost network or a crash. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((_node, index) => this.stopNode(index)));
  }

  /** Stops one node (a master: this cluster has no replicas), like a crash of that machine. */
  async stopNode(index: number): Promise<void> {
    const node = this.nodes[index];
    const child = node?.process;
    if (node) node.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async wasFormed(): Promise<boolean> {
    const first = this.nodes[0];
    const info = first ? await cli(first.port, 'cluster', 'info') : '';
    return Number(info.match(/cluster_known_nodes:(\d+)/)?.[1] ?? 0) > 1;
  }

  private async waitUntilFormed(): Promise<void> {
    for (const node of this.nodes) {
      await until(
        async () => {
          const info = await cli(node.port, 'cluster', 'info');
          return (
            info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${this.nodes.length}`)
          );
        },
        upInTime,
        20_000,
      );
    }
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
    return stdout.trim();
  } catch {
    return '';
  }
}

/** A free port whose cluster bus port (port + 10000) is free as well. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort(0);
    if (port < 55_000 && (await freePort(port + 10_000).catch(() => 0)) === port + 10_000) return port;
  }
}
