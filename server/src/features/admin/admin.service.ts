import type { Db } from '../../db/database.js';
import { readConsistently } from '../../db/transaction.js';
import { AppError } from '../../errors.js';
import { offsetOf, type PageRequest, pageResult, phoneAsWritten } from '../../fields.js';
import { verifiedCompanyNames } from '../account/verification.repository.js';
import type { VerificationService } from '../account/verification.service.js';
import type { ApplicationService } from '../applications/application.service.js';
import type { Demand } from '../demands/demand.schemas.js';
import type { DemandService } from '../demands/demand.service.js';
import type { BillingService } from '../money/billing.service.js';
import type { MoneyService } from '../money/money.service.js';
import type { UserService } from '../user/user.service.js';
import type { AccountSummary, AuditEntry } from './admin.schemas.js';
import { listActions } from './audit.repository.js';

/** One row of a queue is enough to read its total. */
const countOnly = { page: 1, perPage: 1 };
/** How many of a user's demands and applications the user page shows. */
const newest = { page: 1, perPage: 50 };

/**
 * What the operators' console reads: queue counts, accounts, any demand, the audit trail. Read
 * only; every write an admin makes goes through AdminActions, which records it.
 */
export class AdminService {
  constructor(
    private readonly db: Db,
    private readonly services: {
      readonly users: UserService;
      readonly demands: DemandService;
      readonly applications: ApplicationService;
      readonly verifications: VerificationService;
      readonly money: MoneyService;
      readonly billing: BillingService;
    },
  ) {}

  async queueCounts() {
    const [demands, verifications, invoices] = await Promise.all([
      this.services.demands.awaitingReview(countOnly),
      this.services.verifications.pending(countOnly),
      this.services.billing.invoiceRequests({ issued: false }, countOnly),
    ]);
    return { demands: demands.total, verifications: verifications.total, invoices: invoices.total };
  }

  /** The review queue of demands, oldest first, each with who posted it and the version shown. */
  async demandsAwaitingReview(page: PageRequest) {
    const queue = await this.services.demands.awaitingReview(page);
    const posters = await this.summariesOf(queue.items.map((demand) => demand.ownerId));
    return { ...queue, items: queue.items.map((demand) => withPoster(demand, posters)) };
  }

  /** The invoice requests to issue, oldest first, each with who asked. */
  async invoicesToIssue(page: PageRequest) {
    const queue = await this.services.billing.invoiceRequests({ issued: false, oldestFirst: true }, page);
    const requesters = await this.summariesOf(queue.items.map((request) => request.userId));
    return {
      ...queue,
      items: queue.items.map((request) => ({
        ...request,
        requester: requesters.get(request.userId) ?? null,
      })),
    };
  }

  /**
   * The text is read as a phone is written (`138 0013`, `+86 138...`, full-width digits). Ids and
   * phones are digits, so other text finds nobody. The phone is matched with LIKE, where `%` and
   * `_` are wildcards: `%` would list accounts whatever their phone, `1__` every phone.
   */
  async findUsers(text: string) {
    const digits = phoneAsWritten(text);
    return /^\d+$/.test(digits) ? this.services.users.search(digits) : [];
  }

  async user(userId: number) {
    const profile = await this.services.users.findById(userId);
    if (!profile) throw new AppError('NOT_FOUND');
    const { demands, applications, verifications, money } = this.services;
    const [mine, balanceFen, posted, applied] = await Promise.all([
      verifications.mine(userId),
      money.balance(userId),
      demands.listOwn(userId, {}, newest, (db, ids) => applications.ofDemands(ids, db)),
      applications.listMine(userId, newest),
    ]);
    return { ...mine, profile, balanceFen, demands: posted.items, applications: applied.items };
  }

  /** A user's wallet history; an unknown user is NOT_FOUND, like `user`, not an empty history. */
  async ledger(userId: number, page: PageRequest) {
    if (!(await this.services.users.findById(userId))) throw new AppError('NOT_FOUND');
    return this.services.money.entries(userId, page);
  }

  async findDemands(text: string, page: PageRequest) {
    const found = await this.services.demands.searchAll(text, page);
    const posters = await this.summariesOf(found.items.map((demand) => demand.ownerId));
    return { ...found, items: found.items.map((demand) => withPoster(demand, posters)) };
  }

  /**
   * A demand, its applications and its escrow's entries from one snapshot: read apart, a payment
   * and a selection committed in between showed the demand unpaid beside applicants selected, or
   * escrow holding nothing beside the entry that paid it in.
   */
  async demand(id: number) {
    const { demands, applications, money } = this.services;
    const view = await readConsistently(this.db, async (db) => {
      const demand = await demands.getAny(id, db);
      const ofDemand = await applications.ofDemands([id], db);
      const escrow = await money.escrowEntries(id, { page: 1, perPage: 100 }, db);
      return { demand, applications: ofDemand.get(id) ?? [], escrowEntries: escrow.items };
    });
    const posters = await this.summariesOf([view.demand.ownerId]);
    return { ...view, poster: posters.get(view.demand.ownerId) ?? null };
  }

  async auditLog(query: { userId?: number | undefined } & PageRequest) {
    const { rows, total } = await listActions(this.db, query.userId, query.perPage, offsetOf(query));
    const items = rows.map(
      (row): AuditEntry => ({
        id: row.id,
        adminId: row.admin_id,
        adminPhone: row.admin_phone ?? null,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        userId: row.user_id,
        userPhone: row.user_phone ?? null,
        before: JSON.parse(row.before_json),
        after: JSON.parse(row.after_json),
        detail: JSON.parse(row.detail_json),
        createdAt: new Date(Number(row.created_at)),
      }),
    );
    return pageResult(items, total, query);
  }

  private async summariesOf(userIds: readonly number[]): Promise<Map<number, AccountSummary>> {
    const ids = [...new Set(userIds)];
    const [profiles, companyNames] = await Promise.all([
      this.services.users.profilesOf(ids),
      verifiedCompanyNames(this.db, ids),
    ]);
    const summaries = new Map<number, AccountSummary>();
    ids.forEach((id) => {
      const profile = profiles.get(id);
      if (!profile) return;
      const { phone, userType, verified } = profile;
      summaries.set(id, { id, phone, userType, verified, companyName: companyNames.get(id) ?? null });
    });
    return summaries;
  }
}

function withPoster<D extends Demand>(demand: D, posters: ReadonlyMap<number, AccountSummary>) {
  return Object.assign(demand, { poster: posters.get(demand.ownerId) ?? null });
}
