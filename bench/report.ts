import os from 'node:os';
import type { Measurement } from './load.js';

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export interface VariantSummary {
  readonly name: string;
  readonly description: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuMicros: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly rounds: number;
}

/** Medians over the rounds; errors and non-2xx answers summed (they must all be 0). */
export function summarize(name: string, description: string, runs: readonly Measurement[]): VariantSummary {
  return {
    name,
    description,
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuMicros: median(runs.map((r) => r.cpuMicrosPerRequest)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    rounds: runs.length,
  };
}

export interface Ratio {
  readonly name: string;
  readonly value: number;
  /** The target as text (`≥ 0.85`), and whether the value meets it; absent for context-only ratios. */
  readonly target?: string;
  readonly met?: boolean;
  /** For a target every round must meet: the worst round's value, on which `met` is judged. */
  readonly worst?: number;
}

/**
 * `numerator / denominator` of a measure, per round (the two ran minutes apart at most), then the
 * median of those: a slow spell on the machine moves both sides of one round alike.
 */
export function ratio(
  runs: ReadonlyMap<string, readonly Measurement[]>,
  numerator: string,
  denominator: string,
  pick: (m: Measurement) => number = (m) => m.rps,
): number {
  const perRound = roundRatios(runs, numerator, denominator, pick);
  return perRound.length ? median(perRound) : Number.NaN;
}

/** The ratio of each round; empty when a round has no value to compare. */
export function roundRatios(
  runs: ReadonlyMap<string, readonly Measurement[]>,
  numerator: string,
  denominator: string,
  pick: (m: Measurement) => number = (m) => m.rps,
): number[] {
  const top = runs.get(numerator) ?? [];
  const bottom = runs.get(denominator) ?? [];
  const perRound = top
    .slice(0, bottom.length)
    .map((m, i) => pick(m) / pick(bottom[i] as Measurement))
    // A run that answered nothing (rps 0) has no time per request to compare.
    .filter((value) => Number.isFinite(value) && value > 0);
  return perRound.length === Math.min(top.length, bottom.length) ? perRound : [];
}

/**
 * A target that every round must meet: shown as the median of the rounds, judged on the worst
 * (the lowest for `min`, the highest for `max`).
 */
export function everyRound(
  name: string,
  perRound: readonly number[],
  bound: { min: number } | { max: number },
): Ratio {
  if (perRound.length === 0) return { name, value: Number.NaN, target: targetText(bound), met: false };
  const worst = 'min' in bound ? Math.min(...perRound) : Math.max(...perRound);
  const met = 'min' in bound ? worst >= bound.min : worst <= bound.max;
  return { name, value: median(perRound), worst, target: `${targetText(bound)} in every round`, met };
}

/**
 * A ratio that should be 1 (the same variant twice): the median of the rounds, and as `worst` the
 * round that strayed furthest either way, which is how much of a round's ratio the machine alone makes.
 */
export function strayOfRounds(name: string, perRound: readonly number[]): Ratio {
  if (perRound.length === 0) return { name, value: Number.NaN };
  const distance = (value: number) => Math.abs(Math.log(value));
  const worst = perRound.reduce((far, value) => (distance(value) > distance(far) ? value : far));
  return { name, value: median(perRound), worst };
}

const targetText = (bound: { min: number } | { max: number }) =>
  'min' in bound ? `≥ ${bound.min}` : `≤ ${bound.max}`;

export const atLeast = (name: string, value: number, min: number): Ratio => ({
  name,
  value,
  target: `≥ ${min}`,
  met: Number.isFinite(value) && value >= min,
});
export const atMost = (name: string, value: number, max: number): Ratio => ({
  name,
  value,
  target: `≤ ${max}`,
  met: Number.isFinite(value) && value <= max,
});

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function variantTable(rows: readonly VariantSummary[], columns = ['variant', 'what']): string {
  const lines = [
    `| ${columns[0]} | ${columns[1]} | req/s | server CPU µs/req | p50 ms | p99 ms | errors | non-2xx |`,
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.description} | ${fixed(r.rps, 0)} | ${fixed(r.cpuMicros, 0)} | ${fixed(r.p50, 2)} | ${fixed(r.p99, 2)} | ${r.errors} | ${r.non2xx} |`,
    );
  }
  return lines.join('\n');
}

export function ratioTable(ratios: readonly Ratio[]): string {
  const lines = ['| ratio | value | target | met |', '|---|---:|---|---|'];
  for (const r of ratios) {
    lines.push(
      `| ${r.name} | ${fixed(r.value, 2)}${r.worst === undefined ? '' : ` (worst ${fixed(r.worst, 2)})`} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`,
    );
  }
  return lines.join('\n');
}
