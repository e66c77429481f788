import type { Db, Tx } from '../db/database.js';
import { maxId } from '../fields.js';
import type { Services } from '../services.js';
import type { BatchFiles, LegacyFileMover } from './files.js';
import type { DecisionFrontier } from './frontier.js';
import type { LegacyTable } from './layout.js';
import type { Refusal, TableTally } from './report.js';
import type { LegacySource, OldRow } from './source.js';
import { int, RowRefused, refuse } from './values.js';

/** What the steps of one run share. */
export interface ImportContext {
  readonly db: Db;
  readonly source: LegacySource;
  readonly services: Pick<Services, 'sessions' | 'uploads'>;
  readonly files: LegacyFileMover;
  /** The import's own time: rows the old tables give no time for are stamped with it. */
  readonly now: number;
  /** How legacy local times (`jtime`) are read. */
  readonly timeZone: string;
  /**
   * Old ids that are in the new database once this run's batches commit (imported now or by an
   * earlier run), with what later steps need of them. A row whose parent is not here is an orphan.
   */
  readonly present: {
    readonly users: Set<number>;
    /** demand id → owner id */
    readonly demands: Map<number, number>;
    /** individual business (user_geti) id → user id */
    readonly individualBusinesses: Map<number, number>;
    readonly recharges: Set<number>;
  };
  /**
   * How far the demands are decided and committed: their files and applications follow right
   * behind, and never decide against a demand whose batch is not in the database yet.
   */
  readonly demandsDecided: DecisionFrontier;
  /**
   * Old ids this run refused, by step name (`users`, `goods`...): an orphan's reason then says
   * whether its parent was refused (its own refusal says why) or is not in the old table at all.
   */
  readonly refused: Map<string, Set<Refusal['id']>>;
}

/** What one batch of old rows comes to. */
export interface BatchPlan {
  /** Rows `write` inserts. */
  readonly imported: number;
  /** Rows an earlier run imported. */
  readonly skipped: number;
  readonly refusals: readonly Refusal[];
  /** Writes the batch; runs in one transaction, and not at all in a dry run. */
  write(tx: Tx): Promise<void>;
  /**
   * Runs once the batch is committed (in a dry run, once it would be): what other steps may only
   * rely on when it is in the database is published here, not while the batch is decided.
   */
  committed?(): void;
}

/** One old table's import. Steps run in order, so parents are in before their children. */
export interface ImportStep {
  /** The name the report uses. */
  readonly name: string;
  readonly table: LegacyTable;
  /** Runs before the first batch: reads what the step needs across batches. */
  start?(tally: TableTally): Promise<void>;
  plan(rows: readonly OldRow[], tally: TableTally): Promise<BatchPlan>;
  /** Runs after the last batch. */
  finish?(tally: TableTally): Promise<void>;
  /** Batches written at once (default 2). */
  readonly parallelWrites?: number;
}

/**
 * Refuses a row whose user this run does not import, unless an earlier run imported the row itself
 * for that user (`ownerThere`, its user in the new database): it stays there whatever the user's
 * old row says now (a phone changed since, refused), and refusing it would report what was
 * imported, money too, as left out.
 */
export function requireUser(ctx: ImportContext, userId: number, ownerThere?: number): void {
  if (ownerThere !== userId && !ctx.present.users.has(userId)) refuseOrphan(ctx, 'user', 'users', userId);
}

/** Refuses a row whose parent (`what` `id`, from step `step`) is not in the new database. */
export function refuseOrphan(ctx: ImportContext, what: string, step: string, id: number): never {
  const why = ctx.refused.get(step)?.has(id) ? `refused, see ${step}` : 'not in the old database';
  return refuse(`${what} ${id} was not imported (${why})`);
}

/** Marks a row that an earlier run imported. */
export const alreadyThere = Symbol('already there');

/**
 * Decides each row of a batch: `decide` answers what to write, or `alreadyThere`; a row it refuses
 * (RowRefused) is reported with its id and reason. Any other error is a bug and stops the import.
 */
export function sortRows<T>(
  rows: readonly OldRow[],
  decide: (row: OldRow, id: number) => T | typeof alreadyThere,
): SortedRows<T> {
  const accepted: T[] = [];
  const acceptedIds: number[] = [];
  const refusals: Refusal[] = [];
  let skipped = 0;
  for (const row of rows) {
    const id = Number(row.id);
    try {
      const outcome = decide(row, positiveId(row));
      if (outcome === alreadyThere) skipped++;
      else {
        accepted.push(outcome);
        acceptedIds.push(id);
      }
    } catch (error) {
      if (!(error instanceof RowRefused)) throw error;
      refusals.push({ id, reason: error.message });
    }
  }
  return { accepted, acceptedIds, skipped, refusals };
}

export interface SortedRows<T> {
  readonly accepted: T[];
  /** The old id of each accepted row, in the same order. */
  readonly acceptedIds: number[];
  readonly skipped: number;
  readonly refusals: Refusal[];
}

/**
 * The accepted rows as they are written once their files are decided (`rewrite`), refusing those
 * `reasonOf` finds a reason against (added to the batch's refusals): a copy's URL can be longer
 * than the old one, so a list of them may not fit its column any more, which MySQL would answer by
 * failing the whole batch. Answers the rows to write, and the accepted rows they come from (whose
 * files the batch keeps, BatchFiles.keepOnly).
 */
export function refuseWritten<A, W>(
  sorted: SortedRows<A>,
  rewrite: (row: A) => W,
  reasonOf: (row: W) => string | undefined,
): { written: W[]; kept: A[] } {
  const written: W[] = [];
  const kept: A[] = [];
  sorted.accepted.forEach((accepted, i) => {
    const row = rewrite(accepted);
    const reason = reasonOf(row);
    if (reason === undefined) {
      written.push(row);
      kept.push(accepted);
    } else sorted.refusals.push({ id: sorted.acceptedIds[i] ?? Number.NaN, reason });
  });
  // The report lists a table's refusals in the order of their ids, these among the others.
  sorted.refusals.sort((a, b) => Number(a.id) - Number(b.id));
  return { written, kept };
}

/** Why a stored list does not fit a varchar(`max`) column, or undefined when it does. */
export function tooLong(column: string, value: string, max: number): string | undefined {
  const length = [...value].length;
  return length <= max
    ? undefined
    : `${column} is longer than ${max} characters once its file URLs are stored (${length})`;
}

/**
 * The largest id the new database keeps: its id columns (and those referring to them) are signed
 * INT on MySQL, and the service reads ids no larger (fields.id), so a row kept above it could not
 * be reached on SQLite either, whose columns would take it.
 */
const maxNewId = maxId;

/**
 * The old row's id, which the new row keeps: 0 or below is refused, as MySQL would give a row
 * inserted with id 0 a new one (AUTO_INCREMENT) and nothing would refer to it any more. Above
 * maxNewId (an old `int unsigned` column holds up to 4294967295) it is refused too: MySQL would
 * fail the whole batch on it. The rows referring to it are then refused as referring to a row not
 * imported. Widening every id column (and every column referring to one) to BIGINT would keep
 * such rows, but is a migration of every table and of the service's id type, for ids the old
 * backend hardly ever reached; the refusal tells the operator which rows they are.
 */
function positiveId(row: OldRow): number {
  const id = int(row, 'id');
  if (id < 1) return refuse(`id is not positive: ${id}`);
  return id <= maxNewId ? id : refuse(`id is above ${maxNewId}, the largest the new database keeps: ${id}`);
}

/** The ids of the batch, for the lookups of its rows in the new database. */
export const idsOf = (rows: readonly OldRow[], column = 'id'): number[] => [
  ...new Set(rows.map((row) => Number(row[column])).filter((id) => Number.isSafeInteger(id))),
];

/**
 * Rows in slices a single INSERT can carry: SQLite binds at most 32,766 values a statement and
 * MariaDB's packet is 16 MB by default (old descriptions can be long), so both are kept well under.
 */
export function* insertSlices<T extends object>(rows: readonly T[]): Generator<T[]> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object).length || 1;
  const maxRows = Math.max(1, Math.min(1000, Math.floor(30_000 / columns)));
  const maxChars = 2_000_000;
  let slice: T[] = [];
  let chars = 0;
  for (const row of rows) {
    const size = Object.values(row).reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 8), 0);
    if (slice.length > 0 && (slice.length >= maxRows || chars + size > maxChars)) {
      yield slice;
      slice = [];
      chars = 0;
    }
    slice.push(row);
    chars += size;
  }
  yield slice;
}

/**
 * The plan of a sorted batch whose rows name files: `write` inserts the rows, then the files they
 * name are recorded in the same transaction, and settled for the run once it commits.
 */
export function planWithFiles(
  sorted: { skipped: number; refusals: Refusal[] },
  imported: number,
  files: BatchFiles,
  write: (tx: Tx) => Promise<void>,
): BatchPlan {
  const writeWithFiles = async (tx: Tx) => {
    await write(tx);
    await files.write(tx);
  };
  return planOf(sorted, imported, writeWithFiles, files.committed);
}

/** The plan of a sorted batch: its counts and how to write what it accepted. */
export function planOf(
  sorted: { skipped: number; refusals: Refusal[] },
  imported: number,
  write: (tx: Tx) => Promise<void>,
  committed?: () => void,
): BatchPlan {
  return { imported, skipped: sorted.skipped, refusals: sorted.refusals, write, committed };
}
