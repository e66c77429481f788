import { parseArgs } from 'node:util';

/** What one `npm run bench` does; every flag has a default that runs on a developer machine. */
export interface BenchOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Demands to seed: 100k by default, 1M with `--scale 1m`. */
  readonly demands: number;
  readonly users: number;
  /** Seconds of each measured run, and of the warm-up before it. */
  readonly duration: number;
  readonly warmup: number;
  readonly rounds: number;
  readonly connections: number;
  /**
   * Requests per second over all connections, the same for every variant; unset: as fast as each
   * answers. At one rate the variants' CPU per request compares at equal load (see bench/README.md).
   */
  readonly rate: number | undefined;
  /** Seed again even when the seeded data of this scale is there. */
  readonly reseed: boolean;
  /** Run only the variants (or scenarios: logins, uploads) whose names are listed. */
  readonly only: readonly string[] | undefined;
  /** Also run the configuration sweep (logger level, pool size, auto-pipelining). */
  readonly sweep: boolean;
  /** Write a V8 CPU profile of the service for each variant into .tmp/bench/profiles. */
  readonly cpuProf: boolean;
  /** Where the Markdown table goes besides standard output. */
  readonly out: string;
  /** Extra environment for the servers (`--env LOG_LEVEL=warn,DB_POOL_SIZE=5`), for experiments. */
  readonly env: Readonly<Record<string, string>>;
  /** Measure only the import of an old backend's database (`--import`), no servers. */
  readonly importOnly: boolean;
}

const usage = `npm run bench -- [options]
  --db-url URL        MySQL server database (default mysql://root@127.0.0.1:3306/svc_bench; created when missing)
  --redis-url URL     Redis (default redis://127.0.0.1:6379/0; keys under "bench:")
  --scale N|100k|1m   demands to seed (default 100k)
  --duration S        seconds of each measured run (default 5)
  --warmup S          seconds of warm-up before it (default 2)
  --rounds N          rounds of all variants, interleaved (default 3)
  --connections N     concurrent connections (default 50)
  --rate N            drive every variant at N req/s instead of as fast as it answers, to compare
                      CPU per request at equal load (req/s and time ratios are then not reported)
  --only a,b          only these variants/scenarios (B1,B3,T1,L1,L2,page1,page500,pageLast,
                      searchFrequent,searchRare,searchNone, each of the last six also with a
                      Kind suffix (titletype 2), logins, uploads; searchFrequentDeep and
                      B3again, B3 once more to show the machine's own spread, run only when
                      named here)
  --reseed            seed again even when data of this scale exists
  --sweep             also measure logger level, pool size, Redis auto-pipelining, semi-space size
  --cpu-prof          write a CPU profile of the service per variant (.tmp/bench/profiles)
  --out FILE          also write the report there (default .tmp/bench/report.md)
  --env K=V,K=V       extra environment for the servers, e.g. LOG_LEVEL=warn
  --import            only the legacy import: an old database of 10k users and --scale demands
                      with applications, imported into <db-url>_import; reports rows/s`;

function scaleOf(value: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(value.trim());
  if (!match) throw new Error(`--scale: expected a number like 100k or 1m, got ${value}`);
  const factor = { '': 1, k: 1_000, m: 1_000_000 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * factor);
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'db-url': { type: 'string', default: 'mysql://root@127.0.0.1:3306/svc_bench' },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379/0' },
      scale: { type: 'string', default: '100k' },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      rate: { type: 'string' },
      only: { type: 'string' },
      reseed: { type: 'boolean', default: false },
      sweep: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      out: { type: 'string', default: '.tmp/bench/report.md' },
      env: { type: 'string', default: '' },
      import: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const demands = scaleOf(values.scale);
  const positive = (name: string, value: string) => {
    const n = Number(value);
    if (!(n > 0)) throw new Error(`--${name}: expected a positive number, got ${value}`);
    return n;
  };
  return {
    databaseUrl: values['db-url'],
    redisUrl: values['redis-url'],
    demands,
    users: 10_000,
    duration: positive('duration', values.duration),
    warmup: positive('warmup', values.warmup),
    rounds: Math.round(positive('rounds', values.rounds)),
    connections: Math.round(positive('connections', values.connections)),
    rate: values.rate === undefined ? undefined : positive('rate', values.rate),
    reseed: values.reseed,
    only: values.only?.split(',').map((name) => name.trim()),
    sweep: values.sweep,
    cpuProf: values['cpu-prof'],
    out: values.out,
    importOnly: values.import,
    env: Object.fromEntries(
      values.env
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const at = pair.indexOf('=');
          if (at < 1) throw new Error(`--env: expected KEY=VALUE, got ${pair}`);
          return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        }),
    ),
  };
}
