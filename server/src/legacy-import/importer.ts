import { stat } from 'node:fs/promises';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Services } from '../services.js';
import { importedEscrowFen, ledgerProblems, stuckDemands } from './checks.js';
import { LegacyFileMover } from './files.js';
import { DecisionFrontier } from './frontier.js';
import { ImportReport, type TableTally } from './report.js';
import { withImportLock } from './run-lock.js';
import { runStep } from './runner.js';
import { LegacySource } from './source.js';
import type { ImportContext, ImportStep } from './step.js';
import { applicationsStep } from './steps/applications.js';
import { invoiceRequestsStep, rechargesStep } from './steps/billing.js';
import { demandFilesStep } from './steps/demand-files.js';
import { demandsStep } from './steps/demands.js';
import { partnersStep } from './steps/partners.js';
import { educationStep, jobsStep, projectsStep, skillsStep } from './steps/resume.js';
import { usersStep } from './steps/users.js';
import { companyStep, individualBusinessStep, personStep } from './steps/verifications.js';
import { walletsStep } from './steps/wallets.js';
import { shareUnallocatedEscrow } from './unallocated-shares.js';

export interface ImportOptions {
  /** `mysql://user:pass@host:3306/olddb` */
  readonly from: string;
  readonly prefix: string;
  readonly usersTable: string;
  /** The old web root, for copying files; without it old URLs are kept as they are. */
  readonly filesRoot?: string;
  /** Read and check everything, write nothing. */
  readonly dryRun: boolean;
  readonly batchSize: number;
  /** Test hook: stop (as if killed) after this many batches were written. */
  readonly stopAfterBatches?: number;
}

export interface ImportDeps {
  readonly database: Database;
  readonly services: Pick<Services, 'sessions' | 'uploads'>;
  readonly clock: Clock;
  readonly timeZone: string;
  /** Where progress lines go. */
  readonly say: (line: string) => void;
}

/**
 * Imports the old backend's database (LEGACY-DB.md) into this service's, table by table, parents
 * before children. Nothing is read before every table and column the import reads is known to
 * exist. Answers the report; throws only when the import could not go on (then a new run finishes
 * the job, skipping what was written).
 */
export async function importLegacy(deps: ImportDeps, options: ImportOptions): Promise<ImportReport> {
  // A dry run writes nothing: it may rehearse beside a run.
  return options.dryRun
    ? importOnce(deps, options)
    : withImportLock(deps.database, () => importOnce(deps, options));
}

async function importOnce(deps: ImportDeps, options: ImportOptions): Promise<ImportReport> {
  const report = new ImportReport(options.dryRun);
  if (
    options.filesRoot !== undefined &&
    !(await stat(options.filesRoot).catch(() => undefined))?.isDirectory()
  ) {
    throw new Error(`--files-root ${options.filesRoot} is not a folder`);
  }
  const source = LegacySource.open(options.from, { prefix: options.prefix, usersTable: options.usersTable });
  try {
    const missing = await source.missing();
    report.missing = [
      ...missing.tables.map((t) => `table ${t}`),
      ...missing.columns.map((c) => `column ${c}`),
    ];
    if (report.missing.length > 0) return report;

    const now = deps.clock.now();
    const ctx: ImportContext = {
      db: deps.database.db,
      source,
      services: deps.services,
      files: new LegacyFileMover({
        db: deps.database.db,
        uploads: deps.services.uploads,
        filesRoot: options.filesRoot,
        dryRun: options.dryRun,
        tally: report.files,
        now,
      }),
      now,
      timeZone: deps.timeZone,
      present: {
        users: new Set(),
        demands: new Map(),
        individualBusinesses: new Map(),
        recharges: new Set(),
      },
      demandsDecided: new DecisionFrontier(),
      refused: new Map(),
    };
    // Users first; then chains side by side, on different tables, so the new database works on
    // them at once: the demands; their files, and their applications, each right behind the
    // demands' committed batches (ctx.demandsDecided); and the rest of what hangs on users.
    const users = usersStep(ctx);
    const demands = demandsStep(ctx, (fen) => {
      report.refusedEscrowFen += fen;
    });
    const demandFiles = demandFilesStep(ctx);
    const applications = applicationsStep(ctx);
    const profiles = [
      personStep(ctx),
      companyStep(ctx),
      individualBusinessStep(ctx),
      partnersStep(ctx),
      skillsStep(ctx),
      projectsStep(ctx),
      jobsStep(ctx),
      educationStep(ctx),
      walletsStep(ctx, (summary) => {
        report.money = summary;
      }),
      rechargesStep(ctx),
      invoiceRequestsStep(ctx),
    ];
    // The report lists the tables in the order of the old notes, whichever chain ran them.
    const tallies = new Map<ImportStep, TableTally>();
    for (const step of [
      users,
      ...profiles.slice(0, 8),
      demands,
      demandFiles,
      applications,
      ...profiles.slice(8),
    ]) {
      tallies.set(step, report.table(step.name));
    }
    const written = { batches: 0 };
    const run = { ...options, say: deps.say };
    const chain = async (steps: readonly ImportStep[]) => {
      for (const step of steps) {
        const tally = tallies.get(step);
        if (!tally) throw new Error(`no tally for ${step.name}`);
        await runStep(step, ctx, tally, run, written);
      }
    };
    await chain([users]);
    const outcomes = await Promise.allSettled([
      chain([demands]).then(
        () => ctx.demandsDecided.finish(),
        (error: unknown) => {
          ctx.demandsDecided.fail(error);
          throw error;
        },
      ),
      chain([demandFiles]),
      chain([applications]),
      chain(profiles),
    ]);
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    if (!options.dryRun) {
      // Minutes on millions of rows: said, so that the operator does not take the quiet for a hang.
      deps.say('checking the ledger and the escrows, sharing unallocated escrow...');
      const checking = performance.now();
      report.ledgerProblems = await ledgerProblems(deps.database.db);
      report.escrowFen = await importedEscrowFen(deps.database.db);
      report.sharedEscrow = await shareUnallocatedEscrow(deps.database.db, now);
      report.stuckDemands = await stuckDemands(deps.database.db);
      report.checkSeconds = (performance.now() - checking) / 1000;
      deps.say(`checked in ${report.checkSeconds.toFixed(1)} s`);
    }
    return report;
  } finally {
    await source.close();
  }
}
