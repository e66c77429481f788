import { inTransaction } from '../db/transaction.js';
import type { TableTally } from './report.js';
import type { BatchPlan, ImportContext, ImportStep } from './step.js';
import { withoutInvisibleControls } from './values.js';

/** Thrown by the stop hook: the import ends as if killed after a committed batch. */
export class ImportStopped extends Error {
  constructor(batches: number) {
    super(`stopped after ${batches} batches`);
  }
}

export interface RunOptions {
  readonly batchSize: number;
  readonly dryRun: boolean;
  /** Test hook: stop after this many batches (all steps together) have been written. */
  readonly stopAfterBatches?: number;
  readonly say: (line: string) => void;
}

/** Progress lines at most this often per table (and always at its end). */
const progressEveryMs = 1000;

/**
 * Imports one old table, batch by batch in ascending id: read, decide each row, write the batch in
 * one transaction (retried whole on deadlock, so the writes are plain inserts decided beforehand).
 * While batches are written (two at once on their own connections, unless the step says
 * otherwise) the next one is read and decided: the old database, this process and the new
 * database's cores then work at once. Batches may commit out of order; whatever a killed run
 * committed, a new run skips, and it fills the gaps.
 */
export async function runStep(
  step: ImportStep,
  ctx: ImportContext,
  tally: TableTally,
  options: RunOptions,
  written: { batches: number },
): Promise<void> {
  const started = performance.now();
  tally.total = await ctx.source.count(step.table);
  await step.start?.(tally);
  // A table read within one interval is said once, when done (it was said twice, both at 100 %).
  let lastSaid = started;
  const progress = (final: boolean) => {
    const now = performance.now();
    if (!final && now - lastSaid < progressEveryMs) return;
    lastSaid = now;
    const seconds = (now - started) / 1000;
    const percent = tally.total ? Math.min(100, Math.floor((tally.read / tally.total) * 100)) : 100;
    const rate = seconds > 0 ? Math.round(tally.read / seconds) : 0;
    options.say(
      `${step.name.padEnd(20)} ${tally.read.toLocaleString('en')}/${tally.total.toLocaleString('en')} (${percent}%)  ${rate.toLocaleString('en')} rows/s`,
    );
  };

  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const write = async (plan: BatchPlan) => {
    if (!options.dryRun && plan.imported > 0) await inTransaction(ctx.db, (tx) => plan.write(tx));
    plan.committed?.();
    tally.imported += plan.imported;
    tally.skipped += plan.skipped;
    written.batches++;
    if (options.stopAfterBatches !== undefined && written.batches >= options.stopAfterBatches) {
      throw new ImportStopped(written.batches);
    }
  };

  // From below any id: a row with id 0 or below is read too, and refused with its reason, not
  // left out unseen.
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    const rows = await ctx.source.batch(step.table, after, options.batchSize);
    if (failure || rows.length === 0) break;
    after = Number(rows[rows.length - 1]?.id);
    // Decided while earlier batches are written: its checks against the new database concern its
    // own ids, and what it needs of earlier batches (parents present, the first owner of a phone)
    // is known in memory or read from the old database.
    const plan = await step.plan(
      withoutInvisibleControls(rows, (text, id) => tally.note(text, id)),
      tally,
    );
    while (inFlight.size >= (step.parallelWrites ?? 2) && !failure) await Promise.race(inFlight);
    if (failure) break;
    tally.read += rows.length;
    tally.refusals.push(...plan.refusals);
    noteRefused(ctx, step.name, plan);
    // Kept, not thrown here: the loop looks at it before it writes again.
    const writing: Promise<void> = write(plan)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(writing));
    inFlight.add(writing);
    progress(false);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  await step.finish?.(tally);
  tally.seconds = (performance.now() - started) / 1000;
  progress(true);
}

function noteRefused(ctx: ImportContext, stepName: string, plan: BatchPlan): void {
  if (plan.refusals.length === 0) return;
  const ids = ctx.refused.get(stepName) ?? new Set();
  for (const refusal of plan.refusals) ids.add(refusal.id);
  ctx.refused.set(stepName, ids);
}
