import { type Measurement, measure, probe } from '../load.js';
import type { ServerProcess } from '../processes.js';
import type { ServerName, Variant } from '../variants.js';

export type Servers = Record<ServerName, ServerProcess>;

export interface RoundOptions {
  readonly rounds: number;
  readonly warmup: number;
  readonly duration: number;
  readonly connections: number;
  readonly rate?: number | undefined;
}

/** Probes every distinct request of every variant once: each must be the success it claims to measure. */
export async function checkVariants(variants: readonly Variant[], servers: Servers): Promise<void> {
  for (const variant of variants) {
    const sample = [...new Set([0, 1, variant.requests.length - 1])].flatMap(
      (i) => variant.requests[i] ?? [],
    );
    for (const body of await probe(servers[variant.server], sample)) variant.check(body);
  }
}

/**
 * Rounds of every variant, interleaved (each round starts one variant later, so none always runs
 * first): a warm-up run, then a measured run. Runs whose answers were not all 2xx fail the bench.
 */
export async function runRounds(
  variants: readonly Variant[],
  servers: Servers,
  options: RoundOptions,
  say: (line: string) => void,
): Promise<Map<string, Measurement[]>> {
  const runs = new Map<string, Measurement[]>(variants.map((v) => [v.name, []]));
  const load = { connections: options.connections, ...(options.rate ? { rate: options.rate } : {}) };
  // One longer warm-up of every variant first: the first round would otherwise measure the JIT.
  for (const variant of variants) {
    await measure(servers[variant.server], variant.requests, { ...load, seconds: 2 * options.warmup });
  }
  for (let round = 0; round < options.rounds; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length] as Variant);
    for (const variant of order) {
      const server = servers[variant.server];
      await measure(server, variant.requests, { ...load, seconds: options.warmup });
      const m = await measure(server, variant.requests, { ...load, seconds: options.duration });
      runs.get(variant.name)?.push(m);
      say(
        `  round ${round + 1} ${variant.name.padEnd(15)} ${m.rps.toFixed(0).padStart(6)} req/s ` +
          `${m.cpuMicrosPerRequest.toFixed(0).padStart(6)} µs/req  p50 ${m.p50.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms` +
          (m.errors || m.non2xx ? `  ERRORS ${m.errors} non-2xx ${m.non2xx}` : ''),
      );
    }
  }
  return runs;
}
