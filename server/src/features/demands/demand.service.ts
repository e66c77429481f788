import { randomBytes } from 'node:crypto';
import { type Clock, calendarDayIn } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { type ChangeHooks, inTransaction, readConsistently } from '../../db/transaction.js';
import { AppError, fieldRefusal, refusedFor } from '../../errors.js';
import { offsetOf, type PageRequest, pageResult } from '../../fields.js';
import type { RateLimiter, RateRule } from '../../kv/rate-limiter.js';
import { type ReviewState, reviewCodes, reviewStateOfCode } from '../../review-states.js';
import { verifiedCompanyName } from '../account/verification.repository.js';
import {
  countApplications,
  countSelected,
  deleteApplicationsOf,
  selectedOfDemands,
} from '../applications/application.repository.js';
import type { FileReferences } from '../uploads/file-references.js';
import {
  allDemandsNewestFirst,
  type DemandRow,
  deleteDemandFile,
  deleteDemandWithFiles,
  demandIdsByTitle,
  demandsNewestFirst,
  filesOfDemands,
  findDemand,
  findDemandOfFile,
  findDemandsByNumber,
  insertDemand,
  insertDemandFiles,
  listDemandsAwaitingReview,
  listOwnerDemands,
  lockDemand,
  newestDemandId,
  type OwnerFilter,
  replaceDemandFiles,
  setOrderNo,
  setReview,
  updateUnpaidDemand,
} from './demand.repository.js';
import type {
  Demand,
  DemandChanges,
  DemandInput,
  DemandKind,
  PublicDemand,
  Settlement,
} from './demand.schemas.js';
import { kindCodes, kindOfCode, settlementCodes, settlementOfCode } from './demand.table.js';
import { escrowOf } from './demand-escrow.js';

/** How many ids one statement of an admin's title search reads. */
const titleSliceIds = 32_768;

export class DemandService {
  private readonly postsPerOwner: RateRule;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly fileRefs: FileReferences,
    private readonly timeZone: string,
    private readonly limiter: RateLimiter,
    postsPerOwnerHour: number,
  ) {
    this.postsPerOwner = { name: 'demand:post:user', limit: postsPerOwnerHour, windowMs: 60 * 60_000 };
  }

  /** Posts a demand for review; past the owner's hourly cap, DEMAND_POST_TOO_FREQUENT. */
  async create(ownerId: number, input: DemandInput): Promise<{ id: number; orderNo: string }> {
    checkWorkPeriod(input);
    return this.limiter.counted(
      this.postsPerOwner,
      String(ownerId),
      (hit) => refusedFor('DEMAND_POST_TOO_FREQUENT', hit),
      () => this.insert(ownerId, input),
    );
  }

  private async insert(ownerId: number, input: DemandInput): Promise<{ id: number; orderNo: string }> {
    const files = await this.fileRefs.resolve(ownerId, input.files ?? []);
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      const id = await insertDemand(tx, {
        ...columnsOf(input),
        // Always given here (it defaults to ''): only an edit may leave it out.
        category: input.category,
        owner_id: ownerId,
        // Placeholder until the id is known; the number is date + id, unique by construction.
        order_no: `tmp-${randomBytes(9).toString('hex')}`,
        review_state: reviewCodes.pending,
        review_reason: '',
        paid: 0,
        settled: 0,
        created_at: now,
        updated_at: now,
      });
      const orderNo = orderNumberOf(id, now, this.timeZone);
      await setOrderNo(tx, id, orderNo);
      await insertDemandFiles(tx, id, files.urls, now);
      await files.take(tx);
      return { id, orderNo };
    });
  }

  /**
   * The owner edits until the demand is paid; an edited demand goes back to review. An absent
   * category or file list keeps what is stored.
   */
  async update(ownerId: number, id: number, input: DemandChanges): Promise<void> {
    checkWorkPeriod(input);
    const files =
      input.files === undefined
        ? undefined
        : await this.fileRefs.resolve(ownerId, input.files, await this.keptFiles(ownerId, id));
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      const changed = await updateUnpaidDemand(
        tx,
        ownerId,
        id,
        { ...columnsOf(input), review_state: reviewCodes.pending, review_reason: '' },
        now,
      );
      if (!changed) {
        const row = await findDemand(tx, id);
        throw new AppError(row && row.owner_id === ownerId ? 'DEMAND_PAID' : 'NOT_FOUND');
      }
      if (files) {
        await replaceDemandFiles(tx, id, files.urls, now);
        await files.take(tx);
      }
    });
  }

  /**
   * The files the owner's demand names now, taken back as they are when the edit resends them
   * (FileReferences: `kept`); none for anyone else's demand.
   */
  private async keptFiles(ownerId: number, id: number): Promise<string[]> {
    const demand = await findDemand(this.db, id);
    if (demand?.owner_id !== ownerId) return [];
    return (await filesOfDemands(this.db, [id])).map((file) => file.url);
  }

  async getOwn(ownerId: number, id: number): Promise<Demand> {
    return readConsistently(this.db, async (db) => {
      const row = await findDemand(db, id);
      if (!row || row.owner_id !== ownerId) throw new AppError('NOT_FOUND');
      return (await this.withDetails([row], db))[0] as Demand;
    });
  }

  /** Deleting is refused once the demand is paid, settled or has a selected applicant. */
  async remove(ownerId: number, id: number): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const row = await lockDemand(tx, id);
      if (!row || row.owner_id !== ownerId) throw new AppError('NOT_FOUND');
      if (row.paid || row.settled || (await countSelected(tx, id)) > 0)
        throw new AppError('DEMAND_IN_PROGRESS');
      await deleteApplicationsOf(tx, id);
      await deleteDemandWithFiles(tx, id);
    });
  }

  async removeFile(ownerId: number, fileId: number): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.db, async (tx) => {
      // Anyone else's file is NOT_FOUND, so nobody learns what files others' demands hold.
      const found = await findDemandOfFile(tx, fileId);
      if (found?.owner_id !== ownerId) throw new AppError('NOT_FOUND');
      // Under the demand's lock, as an edit, a payment and a review are.
      const demand = await lockDemand(tx, found.id);
      if (!demand) throw new AppError('NOT_FOUND');
      if (demand.paid) throw new AppError('DEMAND_PAID');
      await deleteDemandFile(tx, found.id, fileId, now);
    });
  }

  /**
   * The owner's demands, each with all its applications, read by `applicationsOf` (the
   * applications feature's) for the whole page at once; the selection comes from them.
   */
  async listOwn<A extends { id: number; selected: boolean }>(
    ownerId: number,
    filter: OwnFilter,
    page: PageRequest,
    applicationsOf: (db: Db, demandIds: number[]) => Promise<ReadonlyMap<number, A[]>>,
  ) {
    // From one snapshot: the page's pay and settle flags, its count and its applications agree.
    const { rows, total, files, applications } = await readConsistently(this.db, async (db) => {
      const { rows, total } = await listOwnerDemands(
        db,
        ownerId,
        ownerFilterColumns(filter),
        page.perPage,
        offsetOf(page),
      );
      const ids = rows.map((row) => row.id);
      // One after the other, as they must be on the snapshot's one connection; side by side on two
      // they would cost more CPU per request under load (bench/README.md).
      const files = await filesOfDemands(db, ids);
      return { rows, total, files, applications: await applicationsOf(db, ids) };
    });
    const selection = new Map<number, number[]>();
    for (const [demandId, list] of applications) {
      selection.set(
        demandId,
        list.filter((a) => a.selected).map((a) => a.id),
      );
    }
    const items = toDemands(rows, files, selection).map((demand) =>
      // A fresh object: adding the field is far cheaper than copying it with a spread.
      Object.assign(demand, { applications: applications.get(demand.id) ?? [] }),
    );
    return pageResult(items, total, page);
  }

  /** A reviewed demand for anyone; its owner also sees it before review. */
  async getPublic(id: number, viewerId: number | null): Promise<PublicDemand> {
    // One snapshot: its pay flag, its selection and its count of applications agree.
    return readConsistently(this.db, async (db) => {
      const row = await findDemand(db, id);
      if (!isVisibleTo(row, viewerId)) throw new AppError('NOT_FOUND');
      const [demand] = await this.withDetails([row], db);
      const applicationCount = await countApplications(db, id);
      const companyName = await verifiedCompanyName(db, row.owner_id);
      const { reviewReason: _hidden, ...visible } = demand as Demand;
      return { ...visible, applicationCount, companyName };
    });
  }

  /**
   * The review queue, oldest first, each demand with the version shown (`updatedAt`, read with its
   * fields; its files are read after, so a change landing in between makes the version older than
   * what is shown, and a review sent with it is refused, not passed).
   */
  async awaitingReview(page: PageRequest) {
    const { rows, total } = await listDemandsAwaitingReview(this.db, page.perPage, offsetOf(page));
    const demands = await this.withDetails(rows);
    const items = demands.map((demand, i) => ({
      ...demand,
      updatedAt: new Date(Number(rows[i]?.updated_at)),
    }));
    return pageResult(items, total, page);
  }

  /**
   * Admins: any demand, whatever its review, newest first: all of them without a text; by id or
   * order number for digits; else those whose title contains the text. A title is looked for
   * 32,768 ids a statement (each well inside the statement time limit; a rare title at 1M demands
   * takes ~30 of them), down to one match past this page: the total then counts what was found, so
   * the paginator offers one page more while there may be more.
   */
  async searchAll(text: string, page: PageRequest) {
    if (text === '') {
      const { rows, total } = await allDemandsNewestFirst(this.db, page.perPage, offsetOf(page));
      return pageResult(await this.withDetails(rows), total, page);
    }
    if (/^\d+$/.test(text)) {
      const rows = await findDemandsByNumber(this.db, text);
      return pageResult(
        await this.withDetails(rows.slice(offsetOf(page), offsetOf(page) + page.perPage)),
        rows.length,
        page,
      );
    }
    const wanted = offsetOf(page) + page.perPage + 1;
    const found: number[] = [];
    let top = await newestDemandId(this.db);
    let atMost: number | undefined;
    while (found.length < wanted) {
      const above = Math.max(0, top - titleSliceIds);
      found.push(...(await demandIdsByTitle(this.db, text, { above, atMost }, wanted - found.length)));
      if (above === 0) break;
      top = above;
      atMost = above;
    }
    const rows = await demandsNewestFirst(
      this.db,
      found.slice(offsetOf(page), offsetOf(page) + page.perPage),
    );
    return pageResult(await this.withDetails(rows), found.length, page);
  }

  /** Admins: any demand with what its escrow holds now; `db` is a caller's snapshot (readConsistently). */
  async getAny(id: number, db: Db = this.db): Promise<Demand & { escrowFen: number }> {
    const row = await findDemand(db, id);
    if (!row) throw new AppError('NOT_FOUND');
    const [demand] = await this.withDetails([row], db);
    return { ...(demand as Demand), escrowFen: await escrowOf(db, id) };
  }

  async review(
    id: number,
    decision: { approve: boolean; reason?: string; updatedAt?: Date },
    options: ChangeHooks = {},
  ): Promise<void> {
    const state = decision.approve ? reviewCodes.approved : reviewCodes.rejected;
    const now = this.clock.now();
    const seen = decision.updatedAt?.getTime();
    // A transaction of its own so a deadlock on the kept counts (see demand_counts) is retried.
    const reviewed = await inTransaction(this.db, async (tx) => {
      // The demand's lock before anything is read: an edit or a payment, which hold it while they
      // change the row, lands wholly before the review or after it, never between what the hooks
      // read and the update.
      await lockDemand(tx, id);
      await options.beforeChange?.(tx);
      // A reason is a rejection's: one sent with an approval would be shown to the owner as if
      // the demand had been turned down.
      const reason = decision.approve ? '' : (decision.reason ?? '');
      const changed = await setReview(tx, id, state, reason, now, seen);
      if (changed) await options.alsoInTransaction?.(tx);
      return changed;
    });
    if (!reviewed) {
      const row = await findDemand(this.db, id);
      if (!row) throw new AppError('NOT_FOUND');
      // Still pending with a version named: the owner changed (or paid) it after the reviewer read it.
      const changed = seen !== undefined && row.review_state === reviewCodes.pending;
      throw new AppError(changed ? 'DEMAND_CHANGED' : 'DEMAND_NOT_PENDING');
    }
  }

  /** Maps rows to demands, reading the files and the selection of the whole page in one query each. */
  async withDetails(rows: readonly DemandRow[], db: Db = this.db): Promise<Demand[]> {
    const ids = rows.map((row) => row.id);
    // One after the other, not side by side: see listOwn.
    const files = await filesOfDemands(db, ids);
    const selection = await selectedOfDemands(db, ids);
    return toDemands(rows, files, selection);
  }
}

/**
 * Whether the viewer may learn that the demand exists: anyone once it is approved, its owner
 * always. Whatever else answers about a demand by id (its detail, whether one may apply) answers
 * NOT_FOUND otherwise, as for a demand that does not exist.
 */
export function isVisibleTo(row: DemandRow | undefined, viewerId: number | null): row is DemandRow {
  return row !== undefined && (row.review_state === reviewCodes.approved || row.owner_id === viewerId);
}

/** A demand's order number (legacy `goodsid`): the day it was created, then its id in 8 digits. */
export function orderNumberOf(id: number, now: number, timeZone: string): string {
  const day = calendarDayIn(timeZone)(now);
  return `${day.replaceAll('-', '')}${String(id).padStart(8, '0')}`;
}

export interface OwnFilter {
  readonly title?: string;
  readonly review?: readonly ReviewState[];
  readonly paid?: boolean;
  readonly settled?: boolean;
  readonly kind?: DemandKind;
  readonly settlement?: Settlement;
}

/** A filter's yes/no as the column's 1/0 (at module level: tsx names a nested closure anew on every call). */
const flagCode = (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0);

function ownerFilterColumns(filter: OwnFilter): OwnerFilter {
  return {
    ...(filter.title ? { titleContains: filter.title } : {}),
    ...(filter.review ? { reviewStates: filter.review.map((state) => reviewCodes[state]) } : {}),
    ...(filter.paid !== undefined ? { paid: flagCode(filter.paid) } : {}),
    ...(filter.settled !== undefined ? { settled: flagCode(filter.settled) } : {}),
    ...(filter.kind ? { kind: kindCodes[filter.kind] } : {}),
    ...(filter.settlement ? { settlement: settlementCodes[filter.settlement] } : {}),
  };
}

function checkWorkPeriod(input: DemandChanges): void {
  if (input.workEnd.getTime() < input.workStart.getTime()) {
    throw fieldRefusal('END_BEFORE_BEGIN', ['workEnd']);
  }
}

/** The columns of a demand's fields; an edit's absent `category` is left out, keeping the stored one. */
function columnsOf(input: DemandChanges) {
  return {
    title: input.title,
    kind: kindCodes[input.kind],
    price_fen: input.priceFen,
    settlement: settlementCodes[input.settlement],
    address: input.address,
    work_start: input.workStart.getTime(),
    work_end: input.workEnd.getTime(),
    category: input.category,
    description: input.description,
  };
}

function toDemands(
  rows: readonly DemandRow[],
  files: ReadonlyArray<{ id: number; demand_id: number; url: string }>,
  selection: ReadonlyMap<number, number[]>,
): Demand[] {
  const byDemand = new Map<number, Demand['files']>();
  for (const file of files) {
    const list = byDemand.get(file.demand_id);
    if (list) list.push({ id: file.id, url: file.url });
    else byDemand.set(file.demand_id, [{ id: file.id, url: file.url }]);
  }
  return rows.map((row) => toDemand(row, byDemand.get(row.id) ?? [], selection.get(row.id) ?? []));
}

function toDemand(row: DemandRow, files: Demand['files'], selectedApplicationIds: number[]): Demand {
  return {
    id: row.id,
    orderNo: row.order_no,
    ownerId: row.owner_id,
    title: row.title,
    kind: kindOfCode(row.kind),
    priceFen: Number(row.price_fen),
    settlement: settlementOfCode(row.settlement),
    address: row.address,
    workStart: new Date(Number(row.work_start)),
    workEnd: new Date(Number(row.work_end)),
    category: row.category,
    description: row.description,
    review: reviewStateOfCode(row.review_state),
    reviewReason: row.review_reason,
    paid: row.paid === 1,
    settled: row.settled === 1,
    selectedApplicationIds,
    createdAt: new Date(Number(row.created_at)),
    files,
  };
}
