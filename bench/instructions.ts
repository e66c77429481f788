import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { BenchRequest } from './load.js';
import { ServerProcess, serviceEnv, workDir } from './processes.js';
import { checkVariants } from './scenarios/throughput.js';
import { seed } from './seed.js';
import { buildVariants, serverScripts } from './variants.js';

/**
 * Instructions per request of bench variants, counted by callgrind: a count the machine's load does
 * not move, for comparing variants where CPU seconds are too noisy. Each server runs under
 * valgrind with counting off, is warmed, then counts over a fixed number of requests. The count is
 * split into V8's compiler, its garbage collector and the rest (the code running), because under
 * valgrind V8 compiles and collects differently than at full speed (see bench/README.md).
 *
 *   npx tsx bench/instructions.ts [--only B3,L1] [--warm 2000] [--requests 1000] [--connections 10]
 *
 * Needs valgrind (Debian's package) and the seed of `npm run bench` (100k demands). Slow: a few
 * minutes a variant.
 */
const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'B3,L1' },
    warm: { type: 'string', default: '2000' },
    requests: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '10' },
    'db-url': { type: 'string', default: 'mysql://root@127.0.0.1:3306/svc_bench' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379/0' },
  },
});
const requests = Number(values.requests);
const options = { databaseUrl: values['db-url'], redisUrl: values['redis-url'], env: {} };
// A server under valgrind runs ~50 times slower: the production deadlines would fail most requests.
const slowDeadlines = { DB_TIMEOUT_MS: '60000', DB_STATEMENT_TIMEOUT_MS: '30000', REDIS_TIMEOUT_MS: '30000' };

/** Symbols of V8's own work besides running the code, by the self cost callgrind gives them. */
const categories = {
  compiler: /compiler::|[Mm]aglev|[Bb]aseline|interpreter::|Parser|Scanner|Bytecode/,
  gc: /Scaveng|Heap::|MarkCompact|Marking|Mark[A-Z]|Sweep|Evacuat|RememberedSet|SlotSet|MemoryChunk|GCTracer|BodyDescriptor|ConcurrentMark|ActiveSystemPages/,
};

const say = (line: string) => process.stdout.write(`${line}\n`);
const seeded = await seed({ ...options, users: 10_000, demands: 100_000, reseed: false });
const variants = buildVariants(seeded);
const results: Array<{ name: string; total: number; compiler: number; gc: number }> = [];
mkdirSync(workDir, { recursive: true });

for (const name of values.only.split(',')) {
  const variant = variants.find((v) => v.name === name);
  if (!variant) throw new Error(`no variant ${name}`);
  const outFile = path.join(workDir, `callgrind.${name}`);
  for (const stale of readdirSync(workDir).filter((f) => f.startsWith(`callgrind.${name}`))) {
    rmSync(path.join(workDir, stale));
  }
  const server = await ServerProcess.start(
    `callgrind-${name}`,
    serverScripts[variant.server],
    serviceEnv(options, slowDeadlines),
    {
      wrapper: ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${outFile}`],
      startTimeoutMs: 600_000,
    },
  );
  try {
    // Each server stands in for all three: only the variant's own is asked.
    await checkVariants([variant], { bareHello: server, bareList: server, service: server });
    await drive(server.url, variant.requests, Number(values.warm));
    callgrind(server.pid, '--instr=on');
    const result = await drive(server.url, variant.requests, requests);
    callgrind(server.pid, '--instr=off');
    if (result.non2xx || result.errors)
      throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
    callgrind(server.pid, '--dump=measured');
  } finally {
    await server.stop();
  }
  results.push({ name, ...splitCount(latestDump(outFile)) });
}

const restOf = (r: (typeof results)[number]) => r.total - r.compiler - r.gc;
const baseRest = results[0] ? restOf(results[0]) : Number.NaN;
const k = (n: number) => `${Math.round(n / requests / 1000).toLocaleString('en')} k`;
say('\n| variant | instructions / request | compiler | GC | the rest | the rest / first |');
say('|---|---:|---:|---:|---:|---:|');
for (const r of results) {
  const cells = [r.name, k(r.total), k(r.compiler), k(r.gc), k(restOf(r)), (restOf(r) / baseRest).toFixed(2)];
  say(`| ${cells.join(' | ')} |`);
}
process.exit(0);

function drive(url: string, list: readonly BenchRequest[], amount: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: Number(values.connections),
        amount,
        // Seconds a request may take: under valgrind, before the code is optimized, many.
        timeout: 120,
        requests: list.map((r) => ({ ...r })),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

function callgrind(pid: number, command: string): void {
  execFileSync('callgrind_control', [command, String(pid)], { stdio: 'ignore' });
}

/** The dump taken after the measured requests (callgrind numbers each dump after the file's name). */
function latestDump(outFile: string): string {
  const dir = path.dirname(outFile);
  const dumps = readdirSync(dir)
    .filter((f) => f.startsWith(`${path.basename(outFile)}.`))
    .sort();
  const last = dumps.at(-1);
  if (!last) throw new Error(`no callgrind dump beside ${outFile}`);
  return path.join(dir, last);
}

/** The dump's total, and the self cost of the compiler's and the collector's functions. */
function splitCount(dump: string): { total: number; compiler: number; gc: number } {
  const total = Number(/^totals: (\d+)/m.exec(readFileSync(dump, 'utf8'))?.[1] ?? Number.NaN);
  const annotated = execFileSync('callgrind_annotate', ['--threshold=100', dump], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const split = { total, compiler: 0, gc: 0 };
  for (const line of annotated.split('\n')) {
    const match = /^\s*([\d,]+) \([\s\d.]+%\)\s+(.+)$/.exec(line);
    if (!match?.[1] || !match[2] || match[2].includes('PROGRAM TOTALS')) continue;
    const cost = Number(match[1].replaceAll(',', ''));
    if (categories.compiler.test(match[2])) split.compiler += cost;
    else if (categories.gc.test(match[2])) split.gc += cost;
  }
  return split;
}
