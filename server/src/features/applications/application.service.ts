import type { Clock } from '../../clock.js';
import { type Db, isUniqueViolation, type Tx } from '../../db/database.js';
import { type ChangeHooks, inTransaction, readConsistently } from '../../db/transaction.js';
import { AppError, refusedFor } from '../../errors.js';
import type { PageRequest } from '../../fields.js';
import { offsetOf, pageResult } from '../../fields.js';
import type { RateLimiter, RateRule } from '../../kv/rate-limiter.js';
import { reviewCodes } from '../../review-states.js';
import { type DemandRow, findDemand, findDemands, lockDemand } from '../demands/demand.repository.js';
import { type DemandService, isVisibleTo } from '../demands/demand.service.js';
import { allocateEscrow } from '../money/shares.js';
import type { FileReferences } from '../uploads/file-references.js';
import {
  type ApplicationRow,
  applicationsOfDemands,
  deleteWithdrawable,
  findApplication,
  hasApplied,
  insertApplication,
  listApplicationsOf,
  lockApplication,
  lockOfDemand,
  markReleased,
  markSelected,
  recordDelivery,
  selectedOfDemands,
} from './application.repository.js';
import type { Application, ApplyRefusal, MyApplication } from './application.schemas.js';

export class ApplicationService {
  private readonly applicationsPerUser: RateRule;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly fileRefs: FileReferences,
    private readonly demands: DemandService,
    private readonly limiter: RateLimiter,
    applicationsPerUserHour: number,
  ) {
    this.applicationsPerUser = {
      name: 'application:user',
      limit: applicationsPerUserHour,
      windowMs: 60 * 60_000,
    };
  }

  /**
   * Whether the user may apply to the demand, and if not, why: the client asks before it shows the
   * application form, so the hour's cap is told here too, not only once the form is sent. A demand
   * the user may not see (not approved, someone else's) is NOT_FOUND, as its detail answers: a
   * refusal would confirm it exists.
   */
  async canApply(
    userId: number,
    demandId: number,
  ): Promise<{ canApply: true } | { canApply: false; reason: ApplyRefusal }> {
    const refusal =
      (await this.refusalToApply(userId, demandId)) ??
      ((await this.limiter.reached(this.applicationsPerUser, String(userId)))
        ? 'APPLY_TOO_FREQUENT'
        : undefined);
    return refusal ? { canApply: false, reason: refusal } : { canApply: true };
  }

  /** Why the user may not apply to the demand, the hour's cap aside; undefined when they may. */
  private async refusalToApply(userId: number, demandId: number): Promise<ApplyRefusal | undefined> {
    const demand = await findDemand(this.db, demandId);
    if (!isVisibleTo(demand, userId)) throw new AppError('NOT_FOUND');
    return refusalOf(this.db, demand, userId);
  }

  /** Applies to a demand; past the user's hourly cap, APPLY_TOO_FREQUENT. */
  async apply(
    userId: number,
    input: { demandId: number; message: string; files: string[] },
  ): Promise<{ id: number }> {
    return this.limiter.counted(
      this.applicationsPerUser,
      String(userId),
      (hit) => refusedFor('APPLY_TOO_FREQUENT', hit),
      () => this.applyNow(userId, input),
    );
  }

  private async applyNow(
    userId: number,
    input: { demandId: number; message: string; files: string[] },
  ): Promise<{ id: number }> {
    // Not `canApply`: this attempt is already counted against the hour's cap.
    const early = await this.refusalToApply(userId, input.demandId);
    if (early) throw new AppError(early);
    const files = await this.fileRefs.resolve(userId, input.files);
    const now = this.clock.now();
    return inTransaction(this.db, async (tx) => {
      // Checked again holding the demand's row lock: a removal (which deletes the demand's
      // applications) or a settlement running meanwhile has either finished, and is seen here, or
      // waits for this insert. Without the lock an application could outlive its demand, and
      // reading it answered INTERNAL.
      const demand = await lockDemand(tx, input.demandId);
      if (!isVisibleTo(demand, userId)) throw new AppError('NOT_FOUND');
      const refusal = await refusalOf(tx, demand, userId);
      if (refusal) throw new AppError(refusal);
      const application = await this.insert(tx, userId, input, files.urls, now);
      await files.take(tx);
      return application;
    });
  }

  private async insert(
    tx: Tx,
    userId: number,
    input: { demandId: number; message: string },
    files: readonly string[],
    now: number,
  ): Promise<{ id: number }> {
    try {
      const id = await insertApplication(tx, {
        demand_id: input.demandId,
        applicant_id: userId,
        message: input.message,
        files: files.join(','),
        selected: 0,
        delivered: 0,
        delivery_preview: '',
        delivery_source: '',
        paid: 0,
        paid_fen: 0,
        delivered_at: null,
        created_at: now,
        updated_at: now,
      });
      return { id };
    } catch (error) {
      // Two applies at once: the unique key keeps one row, the other caller learns it applied already.
      if (isUniqueViolation(error)) throw new AppError('ALREADY_APPLIED');
      throw error;
    }
  }

  /**
   * The employer selects applicants of their paid demand; those become locked for withdrawal. When
   * the selection grows, the escrow is allocated anew among the selected applications not paid
   * yet (see `allocateEscrow`); selecting those already selected changes nothing. Answers every
   * application the demand has selected now: a selection only grows, so the ids just sent may be
   * a part of it.
   */
  async select(
    ownerId: number,
    demandId: number,
    applicationIds: readonly number[],
  ): Promise<{ selected: number[] }> {
    const ids = [...new Set(applicationIds)];
    return inTransaction(this.db, async (tx) => {
      const demand = await lockDemand(tx, demandId);
      if (!demand || demand.owner_id !== ownerId) throw new AppError('NOT_FOUND');
      if (demand.settled) throw new AppError('DEMAND_SETTLED');
      if (!demand.paid) throw new AppError('DEMAND_NOT_PAID');
      // Locked, not just counted: an application withdrawn after a plain count would be missing
      // from the update below, and the answer would name it selected all the same. Checked before
      // the review: a demand never approved has no applications, and is told that.
      if ((await lockOfDemand(tx, demandId, ids)) !== ids.length)
        throw new AppError('APPLICATIONS_NOT_OF_DEMAND');
      // Edited after approval (and paid then), it is back in review: what the applicants would be
      // selected for, and paid for, is text nobody has reviewed yet, and it could no longer be
      // rejected once someone is selected.
      if (demand.review_state !== reviewCodes.approved) throw new AppError('DEMAND_NOT_APPROVED');
      const now = this.clock.now();
      if ((await markSelected(tx, demandId, ids, now)) > 0) await allocateEscrow(tx, demandId, now);
      return { selected: (await selectedOfDemands(tx, [demandId])).get(demandId) ?? [] };
    });
  }

  /**
   * An operator releases a selected applicant who never delivered: the application is unselected
   * (the applicant may withdraw it) and loses its share, and what escrow holds is allocated anew
   * among the selected applications still unpaid, so the owner can pay those, or, once none is left,
   * an operator can give the escrow back (MoneyService.returnEscrow). Selection otherwise only grows,
   * and a share promised to someone who never delivers would hold the escrow for good. A delivered
   * application is refused: the owner must pay it, or the dispute is settled outside the service.
   * Locks the demand, then the application, as payments do; a delivery racing this one either
   * lands first (and is refused here) or finds the application unselected (NOT_SELECTED).
   */
  async release(applicationId: number, hooks: ChangeHooks = {}): Promise<void> {
    const found = await findApplication(this.db, applicationId);
    if (!found) throw new AppError('NOT_FOUND');
    await inTransaction(this.db, async (tx) => {
      const demand = await lockDemand(tx, found.demand_id);
      const application = await lockApplication(tx, applicationId);
      await hooks.beforeChange?.(tx);
      // Gone meanwhile: withdrawn, which a selected application cannot be, or deleted with its demand.
      if (!demand || !application) throw new AppError('NOT_FOUND');
      if (demand.settled) throw new AppError('DEMAND_SETTLED');
      if (application.paid) throw new AppError('APPLICATION_ALREADY_PAID');
      if (!application.selected) throw new AppError('APPLICATION_NOT_SELECTED');
      if (application.delivered) throw new AppError('APPLICATION_DELIVERED');
      const now = this.clock.now();
      if (!(await markReleased(tx, applicationId, now))) throw new AppError('APPLICATION_NOT_SELECTED');
      // An unpaid demand with selected applications is an imported one: its shares are the old
      // backend's, kept for when its owner pays it, and its empty escrow is no share of anything.
      if (demand.paid) await allocateEscrow(tx, demand.id, now);
      await hooks.alsoInTransaction?.(tx);
    });
  }

  async deliver(
    userId: number,
    input: { applicationId: number; preview: string[]; source: string },
  ): Promise<void> {
    const application = await findApplication(this.db, input.applicationId);
    if (!application || application.applicant_id !== userId) throw new AppError('NOT_FOUND');
    // What the delivery names now is taken back as it is (FileReferences: `kept`).
    const delivered = [...splitUrls(application.delivery_preview), application.delivery_source];
    const preview = await this.fileRefs.resolve(userId, input.preview, delivered);
    const source = await this.fileRefs.resolveOne(userId, input.source, delivered);
    const delivery = { preview: preview.urls.join(','), source: source.url ?? '' };
    await inTransaction(this.db, async (tx) => {
      if (!(await recordDelivery(tx, userId, input.applicationId, delivery, this.clock.now()))) {
        throw new AppError('NOT_SELECTED');
      }
      await preview.take(tx);
      await source.take(tx);
    });
  }

  /**
   * The applicant withdraws (deletes) an application the employer has neither selected nor paid. A
   * paid one is the record of its payout: the service pays only selected applications, but an
   * imported one can be paid without being selected, and must stay all the same.
   */
  async withdraw(userId: number, applicationId: number): Promise<void> {
    if (await deleteWithdrawable(this.db, userId, applicationId)) return;
    const application = await findApplication(this.db, applicationId);
    if (!application || application.applicant_id !== userId) throw new AppError('NOT_FOUND');
    // Not deleted, and neither can become false again: it is selected, or else paid.
    throw new AppError(application.selected ? 'APPLICATION_SELECTED' : 'APPLICATION_ALREADY_PAID');
  }

  /** From one snapshot, as the owner's list is: each application agrees with its demand. */
  async listMine(userId: number, page: PageRequest) {
    return readConsistently(this.db, async (db) => {
      const { rows, total } = await listApplicationsOf(db, userId, page.perPage, offsetOf(page));
      return pageResult(await this.withDemands(rows, db), total, page);
    });
  }

  async getMine(userId: number, applicationId: number): Promise<MyApplication> {
    return readConsistently(this.db, async (db) => {
      const row = await findApplication(db, applicationId);
      if (!row || row.applicant_id !== userId) throw new AppError('NOT_FOUND');
      return (await this.withDemands([row], db))[0] as MyApplication;
    });
  }

  /**
   * The applications of a page of the owner's demands, one query for the whole page; `db` is the
   * caller's snapshot (readConsistently), so they agree with the demands it read.
   */
  async ofDemands(demandIds: readonly number[], db: Db = this.db): Promise<Map<number, Application[]>> {
    const byDemand = new Map<number, Application[]>();
    for (const row of await applicationsOfDemands(db, demandIds)) {
      const list = byDemand.get(row.demand_id) ?? [];
      list.push(toApplication(row));
      byDemand.set(row.demand_id, list);
    }
    return byDemand;
  }

  private async withDemands(rows: readonly ApplicationRow[], db: Db): Promise<MyApplication[]> {
    const demandIds = [...new Set(rows.map((r) => r.demand_id))];
    const demands = await this.demands.withDetails(await findDemands(db, demandIds), db);
    return rows.flatMap((row) => {
      const demand = demands.find((d) => d.id === row.demand_id);
      return demand ? [{ ...toApplication(row), demand }] : [];
    });
  }
}

/** Why the user may not apply to the demand, if they may not: the first reason that holds. */
async function refusalOf(db: Db | Tx, demand: DemandRow, userId: number): Promise<ApplyRefusal | undefined> {
  if (await hasApplied(db, demand.id, userId)) return 'ALREADY_APPLIED';
  if (demand.owner_id === userId) return 'OWN_DEMAND';
  if (demand.review_state !== reviewCodes.approved || demand.settled) return 'DEMAND_NOT_OPEN';
  return undefined;
}

const splitUrls = (value: string) => (value ? value.split(',') : []);

function toApplication(row: ApplicationRow): Application {
  return {
    id: row.id,
    demandId: row.demand_id,
    applicantId: row.applicant_id,
    applicantPhone: row.applicant_phone,
    message: row.message,
    files: splitUrls(row.files),
    selected: row.selected === 1,
    delivered: row.delivered === 1,
    deliveryPreview: splitUrls(row.delivery_preview),
    deliverySource: row.delivery_source || null,
    paid: row.paid === 1,
    allocatedFen: Number(row.allocated_fen),
    paidFen: Number(row.paid_fen),
    deliveredAt: row.delivered_at === null ? null : new Date(Number(row.delivered_at)),
    createdAt: new Date(Number(row.created_at)),
  };
}
