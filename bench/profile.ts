import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const packageGroups: Readonly<Record<string, string>> = {
  mysql2: 'database client (kysely, mysql2)',
  kysely: 'database client (kysely, mysql2)',
  'sql-escaper': 'database client (kysely, mysql2)',
  'lru.min': 'database client (kysely, mysql2)',
  ioredis: 'Redis client (ioredis)',
  'redis-parser': 'Redis client (ioredis)',
  '@ioredis/commands': 'Redis client (ioredis)',
  pino: 'logging (pino, redaction, writes)',
  '@pinojs/redact': 'logging (pino, redaction, writes)',
  'sonic-boom': 'logging (pino, redaction, writes)',
  fastify: 'fastify',
  'find-my-way': 'fastify',
  'toad-cache': 'fastify',
  '@fastify/cors': 'fastify',
  '@fastify/multipart': 'fastify',
  '@trpc/server': 'tRPC (fetch adapter, procedure calls)',
};

/** Which part of the stack a script belongs to: a package, a part of the service, or the bench. */
function categoryOf(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg) return packageGroups[pkg] ?? pkg;
  if (url.includes('/server/src/legacy/codecs/')) return 'service: legacy codecs';
  if (url.includes('/bench/')) return 'bench (IPC, profiler)';
  const own = /\/server\/src\/([^/]+)\//.exec(url)?.[1];
  if (own === 'features') return 'service: features (services, repositories)';
  return own ? `service: ${own}` : 'other scripts';
}

const isNodeOwn = (url: string) => url === '' || url.startsWith('node:');

/**
 * Busy time by category. Time in Node's own code or in native code (a socket write, JSON.stringify,
 * fetch's Request) counts for the nearest script above it that is not Node's, so it lands on
 * whoever asked for it: log writes on the logger, the fetch API on tRPC's adapter.
 */
export function summarizeProfile(file: string, requests: number, top = 12): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryOfNode = new Map<number, string>();
  const resolve = (leaf: number): string => {
    const known = categoryOfNode.get(leaf);
    if (known) return known;
    let category: string | undefined;
    for (let id: number | undefined = leaf; id !== undefined && !category; id = parent.get(id)) {
      const url = byId.get(id)?.callFrame.url ?? '';
      if (!isNodeOwn(url)) category = categoryOf(url);
    }
    if (!category) {
      const { url, functionName } = (byId.get(leaf) as ProfileNode).callFrame;
      category =
        functionName === '(idle)'
          ? 'idle'
          : functionName === '(garbage collector)'
            ? 'garbage collector'
            : url
              ? 'node (http parser, event loop, promises)'
              : 'V8 / native';
    }
    categoryOfNode.set(leaf, category);
    return category;
  };
  const time = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const category = resolve(id);
    time.set(category, (time.get(category) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const busy = [...time].filter(([c]) => c !== 'idle');
  const total = busy.reduce((sum, [, t]) => sum + t, 0);
  const rows = busy.sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    '| where | share of busy CPU | µs per request |',
    '|---|---:|---:|',
    ...rows.map(
      ([category, t]) =>
        `| ${category} | ${((100 * t) / total).toFixed(1)} % | ${(t / requests).toFixed(0)} |`,
    ),
    `| **all** (${requests} requests, profiler included) | 100 % | ${(total / requests).toFixed(0)} |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, requests] = process.argv.slice(2);
  if (file) process.stdout.write(`${summarizeProfile(file, Number(requests ?? 1))}\n`);
}
