import { inTransaction } from '../db/transaction.js';
import type { TableTally } from './report.js';
import type { BatchPlan, ImportContext, ImportStep } from './step.js';

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
 * While a batch is written the next one is read and decided: the old database, this process and
 * the new database then work at once. Whatever a killed run committed, a new run skips.
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
  let lastSaid = 0;
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

  let writing: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const write = (plan: BatchPlan) => {
    const previous = writing;
    writing = previous.then(async () => {
      if (failure) return;
      if (!options.dryRun && plan.imported > 0) await inTransaction(ctx.db, (tx) => plan.write(tx));
      tally.imported += plan.imported;
      tally.skipped += plan.skipped;
      tally.refusals.push(...plan.refusals);
      written.batches++;
      if (options.stopAfterBatches !== undefined && written.batches >= options.stopAfterBatches) {
        throw new ImportStopped(written.batches);
      }
    });
    // Kept, not thrown here: the loop looks at it before deciding its next batch.
    writing = writing.catch((error: unknown) => {
      failure ??= { error };
    });
  };

  for (let after = 0; ; ) {
    const rows = await ctx.source.batch(step.table, after, options.batchSize);
    if (failure) break;
    if (rows.length === 0) break;
    after = Number(rows[rows.length - 1]?.id);
    // Decided while the batch before is written: its checks against the new database concern its
    // own ids, and what it needs of earlier batches (parents present, first owners of a phone) is
    // known in memory or read from the old database. One write is in flight at a time.
    const plan = await step.plan(rows, tally);
    await writing;
    if (failure) break;
    tally.read += rows.length;
    write(plan);
    progress(false);
  }
  await writing;
  if (failure) throw failure.error;
  await step.finish?.(tally);
  tally.seconds = (performance.now() - started) / 1000;
  progress(true);
}
