import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ownerCount } from './data.js';
import type { Measurement } from './load.js';
import { type BenchOptions, parseOptions } from './options.js';
import { canPin, loadCore, pinSelf, ServerProcess, serverCore, serviceEnv, workDir } from './processes.js';
import { summarizeProfile } from './profile.js';
import {
  atLeast,
  atMost,
  everyRound,
  machineLine,
  type Ratio,
  ratio,
  ratioTable,
  roundRatios,
  strayOfRounds,
  summarize,
  variantTable,
} from './report.js';
import { legacyImportBench } from './scenarios/legacy-import.js';
import { type LoginContention, loginContention } from './scenarios/logins.js';
import { checkVariants, runRounds, type Servers } from './scenarios/throughput.js';
import { type UploadMemory, uploadMemory } from './scenarios/uploads.js';
import { seed } from './seed.js';
import { buildVariants, serverScripts, type Variant } from './variants.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function startServers(options: BenchOptions, overrides: Record<string, string> = {}): Promise<Servers> {
  const env = serviceEnv(options, overrides);
  return {
    bareHello: await ServerProcess.start('b1-bare-hello', serverScripts.bareHello, env),
    bareList: await ServerProcess.start('b3-bare-list', serverScripts.bareList, env),
    service: await ServerProcess.start('service', serverScripts.service, env),
  };
}

const atRate = (options: BenchOptions) => (options.rate ? `, ${options.rate} req/s each` : '');

const stopAll = (servers: Servers) => Promise.all(Object.values(servers).map((s) => s.stop()));

type Runs = Map<string, Measurement[]>;

const cpu = (m: Measurement) => m.cpuMicrosPerRequest;
const hasRuns = (runs: Runs, ...names: string[]) => names.every((n) => (runs.get(n)?.length ?? 0) > 0);

/**
 * Server CPU per request against B3's: the legacy door's target (issue 16: at most 1.2 × B3's, in
 * every round) and T1's. The only ratios that also compare at one rate for every variant
 * (`--rate`), where req/s and times per request are the rate's.
 */
function cpuRatios(runs: Runs): Ratio[] {
  const out: Ratio[] = [];
  for (const legacy of ['L1', 'L2']) {
    if (!hasRuns(runs, legacy, 'B3')) continue;
    const perRound = roundRatios(runs, legacy, 'B3', cpu);
    out.push(everyRound(`${legacy} / B3 (server CPU per request)`, perRound, { max: 1.2 }));
  }
  if (hasRuns(runs, 'B3again', 'B3'))
    out.push(
      strayOfRounds('B3 again / B3 (server CPU per request)', roundRatios(runs, 'B3again', 'B3', cpu)),
    );
  if (hasRuns(runs, 'T1', 'B3'))
    out.push({ name: 'T1 / B3 (server CPU per request)', value: ratio(runs, 'T1', 'B3', cpu) });
  return out;
}

function throughputRatios(runs: Runs): Ratio[] {
  const perRequestTime = (m: Measurement) => 1 / m.rps;
  const has = (...names: string[]) => hasRuns(runs, ...names);
  const out: Ratio[] = [];
  if (has('T1', 'B3')) out.push(atLeast('T1 / B3 (req/s)', ratio(runs, 'T1', 'B3'), 0.4));
  // The legacy door's speed target (issue 16): as fast as 0.9 × B3, in every round.
  for (const legacy of ['L1', 'L2']) {
    if (has(legacy, 'B3'))
      out.push(everyRound(`${legacy} / B3 (req/s)`, roundRatios(runs, legacy, 'B3'), { min: 0.9 }));
  }
  if (has('B3again', 'B3'))
    out.push(strayOfRounds('B3 again / B3 (req/s)', roundRatios(runs, 'B3again', 'B3')));
  out.push(...cpuRatios(runs));
  if (has('L1', 'T1')) out.push({ name: 'L1 / T1 (req/s)', value: ratio(runs, 'L1', 'T1') });
  if (has('L2', 'L1')) out.push({ name: 'L2 / L1 (req/s)', value: ratio(runs, 'L2', 'L1') });
  if (has('B3', 'B1')) out.push({ name: 'B3 / B1 (req/s)', value: ratio(runs, 'B3', 'B1') });
  // Time per request of each public-list and search variant against the unfiltered page 1 of the
  // same run (issue 13: every one ≤ 2; page 500 and the last page kept their earlier ≤ 1.5).
  const vsPage1 = (name: string, label: string, max: number) => {
    if (!has(name, 'page1')) return;
    out.push(atMost(`${label} / page 1 (time per request)`, ratio(runs, name, 'page1', perRequestTime), max));
  };
  vsPage1('page500', 'page 500', 1.5);
  vsPage1('pageLast', 'last page', 1.5);
  vsPage1('page1Kind', 'page 1 of a kind', 2);
  vsPage1('page500Kind', 'page 500 of a kind', 2);
  vsPage1('pageLastKind', 'last page of a kind', 2);
  for (const [term, what] of [
    ['Frequent', 'frequent term'],
    ['Rare', 'rare term'],
    ['None', 'no match'],
  ] as const) {
    vsPage1(`search${term}`, `search, ${what}`, 2);
    vsPage1(`search${term}Kind`, `search, ${what}, of a kind`, 2);
  }
  vsPage1('searchFrequentDeep', 'search, frequent term, page 500', 2);
  return out;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.importOnly) {
    await legacyImportBench(options);
    return;
  }
  const wanted = (name: string) => !options.only || options.only.includes(name);
  mkdirSync(workDir, { recursive: true });
  pinSelf();
  say(
    canPin()
      ? `Servers pinned to core ${serverCore}, load generator to core ${loadCore} (taskset); MySQL and Redis unpinned.`
      : 'taskset or a second core missing: processes are not pinned (numbers are noisier).',
  );
  const started = Date.now();
  const seeded = await seed({ ...options, reseed: options.reseed });

  const servers = await startServers(options);
  const report: string[] = [];
  try {
    const variants = buildVariants(seeded).filter(
      (v) => wanted(v.name) && (!v.optIn || options.only?.includes(v.name)),
    );
    await checkVariants(variants, servers);
    say(
      `${variants.length} variants × ${options.rounds} rounds (${options.warmup} s warm-up + ${options.duration} s), ${options.connections} connections${atRate(options)}`,
    );
    const runs = await runRounds(variants, servers, options, say);
    const summaries = variants.map((v) => summarize(v.name, v.description, runs.get(v.name) ?? []));
    const failed = summaries.filter((s) => s.errors > 0 || s.non2xx > 0 || !(s.rps > 0));

    report.push(
      `Machine: ${machineLine()}. ${seeded.demands.toLocaleString('en')} demands (${seeded.reviewed.toLocaleString('en')} reviewed), ${seeded.users.toLocaleString('en')} users with live tokens; ${options.rounds} rounds × ${options.duration} s, ${options.connections} connections${atRate(options)}; ` +
        (canPin() ? `server on core ${serverCore}, load generator on core ${loadCore}.` : 'not pinned.'),
    );
    const ratios = options.rate ? cpuRatios(runs) : throughputRatios(runs);
    const acrossScales = options.rate ? undefined : page1AcrossScales(runs, seeded.demands);
    if (acrossScales) ratios.push(acrossScales);
    if (summaries.length) report.push('', variantTable(summaries), '', ratioTable(ratios));

    if (options.cpuProf) {
      report.push('', '### Where the service spends its CPU (V8 profile per variant)', '');
      for (const variant of variants) {
        report.push(await profileVariant(variant, servers, options));
      }
    }

    const logins: Array<{ setup: string; result: LoginContention }> = [];
    if (wanted('logins')) {
      const l1 = buildVariants(seeded).find((v) => v.name === 'L1') as Variant;
      const l1Rps = summaries.find((s) => s.name === 'L1')?.rps;
      const listRate = Math.max(100, Math.round(((l1Rps ?? 600) * 0.4) / 50) * 50);
      const scenario = { listRate, seconds: 10, users: seeded.users };
      say(`logins: L1 at ${listRate} req/s, alone and beside 30 logins/s (server pinned to one core)`);
      logins.push({ setup: 'pinned', result: await loginContention(servers.service, l1.requests, scenario) });
      // The same on a service process free to use both cores, as deployed: the hashing threads
      // then need not share the event loop's core.
      say('logins: the same with the service unpinned');
      const free = await ServerProcess.start('service-unpinned', serverScripts.service, serviceEnv(options), {
        pinned: false,
      });
      try {
        logins.push({ setup: 'unpinned', result: await loginContention(free, l1.requests, scenario) });
      } finally {
        await free.stop();
      }
      report.push('', loginTable(logins));
    }

    let uploads: UploadMemory | undefined;
    if (wanted('uploads')) {
      say('uploads: 20 × 40 MB at once');
      const member = { userId: ownerCount + 1, token: seeded.tokens[ownerCount] as string };
      uploads = await uploadMemory(servers.service, member);
      rmSync(path.join(workDir, 'data', 'uploads'), { recursive: true, force: true });
      report.push('', uploadTable(uploads));
    }

    if (options.sweep) {
      await stopAll(servers);
      report.push('', '### Configuration sweep', '', await configSweep(options, seeded));
    }

    const text = report.join('\n');
    say(`\n${text}\n`);
    mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
    writeFileSync(path.resolve(options.out), `${text}\n`);
    writeFileSync(
      path.join(workDir, 'results.json'),
      JSON.stringify(
        { machine: machineLine(), options, summaries, runs: Object.fromEntries(runs), logins, uploads },
        null,
        2,
      ),
    );
    say(`Report in ${options.out}; ${((Date.now() - started) / 60_000).toFixed(1)} min.`);
    if (failed.length) {
      throw new Error(
        `errors, non-2xx answers or no answer in time in: ${failed.map((s) => s.name).join(', ')}`,
      );
    }
    if (uploads?.failures) throw new Error(`${uploads.failures} uploads failed`);
    const loginFailures = logins.reduce((sum, l) => sum + l.result.loginFailures, 0);
    if (loginFailures) throw new Error(`${loginFailures} logins failed`);
  } finally {
    await stopAll(servers);
  }
}

/** Demands of the scale whose page 1 the 1M run is compared with. */
const baseScale = 100_000;
const page1Record = (demands: number) => path.join(workDir, `page1-${demands}.json`);

/**
 * Page 1 at 1M demands against page 1 at 100k (time per request, target ≤ 1.2): each run records
 * its page 1, and a run of either scale compares with the other's last record (runs of one scale
 * at a time, since each seeds its own data). Undefined until both have been run.
 */
function page1AcrossScales(runs: Map<string, Measurement[]>, demands: number): Ratio | undefined {
  const page1 = runs.get('page1') ?? [];
  if (page1.length === 0) return undefined;
  const microsPerRequest = median(page1.map((m) => 1e6 / m.rps));
  writeFileSync(
    page1Record(demands),
    JSON.stringify({ demands, microsPerRequest, machine: machineLine(), at: new Date().toISOString() }),
  );
  // A run at 100k compares the last 1M run with itself; any other scale compares itself with 100k.
  const large = demands === baseScale ? 1_000_000 : demands;
  const read = (n: number) => {
    try {
      return JSON.parse(readFileSync(page1Record(n), 'utf8')) as { microsPerRequest: number; at: string };
    } catch {
      return undefined;
    }
  };
  const [a, b] = [read(large), read(baseScale)];
  if (!a || !b) return undefined;
  return atMost(
    `page 1 at ${large.toLocaleString('en')} / at ${baseScale.toLocaleString('en')} demands (time per request; runs of ${a.at.slice(0, 16)} and ${b.at.slice(0, 16)})`,
    a.microsPerRequest / b.microsPerRequest,
    1.2,
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function loginTable(runs: ReadonlyArray<{ setup: string; result: LoginContention }>): string {
  const rate = runs[0]?.result.listRate;
  const lines = [
    `Authenticated list (L1) at ${rate} req/s over 10 connections, alone and beside 30 password logins per second (argon2id):`,
    '',
    '| server | list alone p50 / p99 ms | with logins p50 / p99 ms | p99 ratio (target ≤ 2) | logins/s | login p50 / p99 ms | login failures |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { setup, result: l } of runs) {
    const ratioValue = l.busy.p99 / l.idle.p99;
    lines.push(
      `| ${setup} | ${l.idle.p50.toFixed(2)} / ${l.idle.p99.toFixed(2)} | ${l.busy.p50.toFixed(2)} / ${l.busy.p99.toFixed(2)} | ${ratioValue.toFixed(2)} ${ratioValue <= 2 ? 'met' : '**missed**'} | ${l.loginsPerSecond.toFixed(1)} | ${l.loginP50.toFixed(0)} / ${l.loginP99.toFixed(0)} | ${l.loginFailures} |`,
    );
  }
  return lines.join('\n');
}

function uploadTable(u: UploadMemory): string {
  const growth = (u.peakRss - u.baselineRss) / 2 ** 20;
  return `${u.uploads} concurrent ${u.megabytes} MB uploads in ${u.seconds.toFixed(1)} s, ${u.failures} failed: server RSS ${(u.baselineRss / 2 ** 20).toFixed(0)} MB → peak ${(u.peakRss / 2 ** 20).toFixed(0)} MB, **+${growth.toFixed(0)} MB** (target < 100 MB: ${growth < 100 ? 'met' : '**missed**'}).`;
}

async function profileVariant(variant: Variant, servers: Servers, options: BenchOptions): Promise<string> {
  const dir = path.join(workDir, 'profiles');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${variant.name}.cpuprofile`);
  const { measure } = await import('./load.js');
  const server = servers[variant.server];
  await server.startProfile();
  const m = await measure(server, variant.requests, {
    connections: options.connections,
    seconds: options.duration,
  });
  await server.stopProfile(file);
  say(`  profiled ${variant.name} → ${file}`);
  return `**${variant.name}** (${variant.description}):\n\n${summarizeProfile(file, m.requests)}\n`;
}

/** A sweep setting: its label, the environment it sets, and Node flags replacing the usual ones. */
type Setting = [label: string, env: Record<string, string>, nodeFlags?: readonly string[]];

/** The service alone (T1, L1, page 1) under each setting that is a choice: logger level, pool size, pipelining, young generation. */
async function configSweep(options: BenchOptions, seeded: Awaited<ReturnType<typeof seed>>): Promise<string> {
  const { measure } = await import('./load.js');
  // Each setting alone; the rest as `npm start` has them (semi-space 64 MB among them).
  const semiSpace = (mb: number): Setting => [
    `--max-semi-space-size=${mb}`,
    {},
    [`--max-semi-space-size=${mb}`],
  ];
  const settings: Setting[] = [
    ['LOG_LEVEL=info', { LOG_LEVEL: 'info' }],
    ['LOG_LEVEL=warn', { LOG_LEVEL: 'warn' }],
    ['DB_POOL_SIZE=5', { DB_POOL_SIZE: '5' }],
    ['DB_POOL_SIZE=10', { DB_POOL_SIZE: '10' }],
    ['DB_POOL_SIZE=20', { DB_POOL_SIZE: '20' }],
    ['REDIS_AUTO_PIPELINING=false', { REDIS_AUTO_PIPELINING: 'false' }],
    ['REDIS_AUTO_PIPELINING=true', { REDIS_AUTO_PIPELINING: 'true' }],
    // 16 MB is Node 20's own ceiling for the young generation on 64-bit machines.
    semiSpace(16),
    semiSpace(32),
    semiSpace(64),
  ];
  const picked = buildVariants(seeded).filter(
    (v) => v.name === 'L1' || v.name === 'T1' || v.name === 'page1',
  );
  const results = new Map<string, Measurement[]>();
  for (let round = 0; round < options.rounds; round++) {
    for (const [label, env, nodeFlags] of settings) {
      const service = await ServerProcess.start(
        'service-sweep',
        serverScripts.service,
        serviceEnv(options, env),
        {
          ...(nodeFlags ? { nodeFlags } : {}),
        },
      );
      try {
        for (const variant of picked) {
          const load = { connections: options.connections };
          await measure(service, variant.requests, { ...load, seconds: options.warmup });
          const m = await measure(service, variant.requests, { ...load, seconds: options.duration });
          const key = `${label} ${variant.name}`;
          results.set(key, [...(results.get(key) ?? []), m]);
          say(
            `  sweep ${key.padEnd(36)} ${m.rps.toFixed(0)} req/s ${m.cpuMicrosPerRequest.toFixed(0)} µs/req p99 ${m.p99.toFixed(1)} ms`,
          );
        }
      } finally {
        await service.stop();
      }
    }
  }
  const rows = settings.flatMap(([label]) =>
    picked.map((v) => summarize(`${label}`, v.name, results.get(`${label} ${v.name}`) ?? [])),
  );
  return variantTable(rows, ['setting', 'variant']);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
