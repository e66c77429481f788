import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { consoleBuildIsStale } from '../../console/scripts/build-state.js';
import { openDatabase } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrator.js';
import { mustRun } from './processes.js';
import { canStartRedisCluster, RedisCluster } from './redis-cluster.js';
import { startS3Server } from './s3-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The S3-protocol server every test file may use (its own bucket each). */
    s3Endpoint: string;
    /** A `redis-cluster://` URL when a cluster runs for this test run, else ''. */
    redisClusterUrl: string;
  }
}

/**
 * Before any test file: builds the operators' console when its build is stale (once: built by each
 * console suite, two could build at once, one emptying console/dist under the other's page), migrates
 * the shared MySQL test database, starts an S3-protocol server, and
 * with TEST_REDIS_URL set (the real-services run) a 3-master Redis Cluster from Debian's
 * redis-server, so the Redis-backed suites run against a cluster too. TEST_REDIS_CLUSTER=0 skips
 * the cluster; TEST_REDIS_CLUSTER=redis-cluster://... uses a running one instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (consoleBuildIsStale()) {
    await mustRun('npm', ['run', 'build:console'], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  }

  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const database = openDatabase({ url, dataDir: '.', poolSize: 1 });
    try {
      await migrateToLatest(database.db);
    } finally {
      await database.close();
    }
  }

  const s3 = await startS3Server();
  project.provide('s3Endpoint', s3.endpoint);

  let cluster: RedisCluster | undefined;
  const wanted = process.env.TEST_REDIS_CLUSTER;
  if (wanted?.startsWith('redis-cluster://')) {
    project.provide('redisClusterUrl', wanted);
  } else if (process.env.TEST_REDIS_URL && wanted !== '0') {
    if (await canStartRedisCluster()) {
      cluster = await RedisCluster.create(3);
      project.provide('redisClusterUrl', cluster.url);
    } else {
      process.stderr.write('redis-server/redis-cli not found: the Redis Cluster runs are skipped\n');
      project.provide('redisClusterUrl', '');
    }
  } else {
    project.provide('redisClusterUrl', '');
  }

  return async () => {
    await cluster?.destroy();
    await s3.close();
  };
}
