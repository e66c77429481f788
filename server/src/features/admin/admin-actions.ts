import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { reviewStateOfCode } from '../../review-states.js';
import type { ReviewDecision } from '../account/account.schemas.js';
import type { VerificationService } from '../account/verification.service.js';
import { findDemand } from '../demands/demand.repository.js';
import type { DemandService } from '../demands/demand.service.js';
import type { BillingService } from '../money/billing.service.js';
import { findInvoiceRequest } from '../money/money.repository.js';
import type { MoneyService } from '../money/money.service.js';
import type { UserService } from '../user/user.service.js';
import { insertAction } from './audit.repository.js';

/** Who acts: an admin's user id, or null for the admin CLI (the operator's shell). */
export interface Actor {
  readonly adminId: number | null;
}

/** What an action touched, read before and after it: the state shown side by side in the console. */
interface Snapshot {
  /** The user the action concerns, for their history; null when the target is gone. */
  readonly userId: number | null;
  readonly state: unknown;
}

interface ActionRecord {
  readonly action: string;
  readonly targetType: string;
  readonly targetId: number;
  /** What the admin gave (amount, note, reason). */
  readonly detail: unknown;
  readonly idempotencyKey?: string | undefined;
}

/**
 * Every write an admin can make, whichever door it comes through (the console's procedures, the
 * CLI), each recorded in the audit trail with who, what, when, and the state before and after. An
 * action that fails is not recorded: nothing changed.
 */
export class AdminActions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly services: {
      readonly users: UserService;
      readonly demands: DemandService;
      readonly verifications: VerificationService;
      readonly money: MoneyService;
      readonly billing: BillingService;
    },
  ) {}

  reviewDemand(actor: Actor, input: { id: number; approve: boolean; reason?: string | undefined }) {
    const read = async (): Promise<Snapshot> => {
      const row = await findDemand(this.db, input.id);
      return {
        userId: row?.owner_id ?? null,
        state: row && { review: reviewStateOfCode(row.review_state), reason: row.review_reason },
      };
    };
    return this.recorded(
      actor,
      { action: 'demands.review', targetType: 'demand', targetId: input.id, detail: input },
      read,
      () => this.services.demands.review(input.id, input),
    );
  }

  reviewVerification(actor: Actor, decision: ReviewDecision) {
    const read = async (): Promise<Snapshot> => {
      const record = (await this.services.verifications.mine(decision.userId))[decision.kind];
      return {
        userId: decision.userId,
        state: record && { status: record.status, rejectReason: record.rejectReason },
      };
    };
    return this.recorded(
      actor,
      {
        action: 'account.reviewVerification',
        targetType: `verification:${decision.kind}`,
        targetId: decision.userId,
        detail: decision,
      },
      read,
      () => this.services.verifications.review(decision),
    );
  }

  /** Credits money received outside the service (bank transfer, cash); a retry with the key credits once. */
  async credit(actor: Actor, input: WalletMove) {
    await this.requireUser(input.userId);
    return this.recorded(actor, walletRecord('wallet.credit', input), this.walletSnapshot(input.userId), () =>
      this.services.money.recharge(input.userId, input.amountFen, input),
    );
  }

  /** Records money paid out to the user's bank account outside the service: never below zero. */
  async withdraw(actor: Actor, input: WalletMove) {
    await this.requireUser(input.userId);
    return this.recorded(
      actor,
      walletRecord('wallet.withdraw', input),
      this.walletSnapshot(input.userId),
      () => this.services.money.withdraw(input.userId, input.amountFen, input),
    );
  }

  markInvoiceIssued(actor: Actor, invoiceRequestId: number) {
    const read = async (): Promise<Snapshot> => {
      const row = await findInvoiceRequest(this.db, invoiceRequestId);
      return { userId: row?.user_id ?? null, state: row && { issued: row.issued === 1 } };
    };
    return this.recorded(
      actor,
      {
        action: 'billing.markInvoiceIssued',
        targetType: 'invoiceRequest',
        targetId: invoiceRequestId,
        detail: {},
      },
      read,
      () => this.services.billing.markIssued(invoiceRequestId),
    );
  }

  /** Makes the phone's account an admin (the CLI's create-admin). */
  async grantAdmin(actor: Actor, phone: string, passwordHash: string) {
    const before = await this.services.users.findByPhone(phone);
    const outcome = await this.services.users.grantAdmin(phone, passwordHash);
    await this.save(
      actor,
      { action: 'user.grantAdmin', targetType: 'user', targetId: outcome.userId, detail: { phone } },
      { userId: outcome.userId, state: before && { isAdmin: before.isAdmin } },
      { userId: outcome.userId, state: { isAdmin: true } },
    );
    return outcome;
  }

  private async recorded<T>(
    actor: Actor,
    record: ActionRecord,
    read: () => Promise<Snapshot>,
    act: () => Promise<T>,
  ): Promise<T> {
    const before = await read();
    const result = await act();
    await this.save(actor, record, before, await read());
    return result;
  }

  private save(actor: Actor, record: ActionRecord, before: Snapshot, after: Snapshot) {
    return insertAction(this.db, {
      admin_id: actor.adminId,
      action: record.action,
      target_type: record.targetType,
      target_id: record.targetId,
      user_id: after.userId ?? before.userId,
      before_json: JSON.stringify(before.state ?? null),
      after_json: JSON.stringify(after.state ?? null),
      detail_json: JSON.stringify(record.detail),
      idempotency_key: record.idempotencyKey
        ? `${record.action}:${record.targetId}:${record.idempotencyKey}`
        : null,
      created_at: this.clock.now(),
    });
  }

  private walletSnapshot(userId: number) {
    return async (): Promise<Snapshot> => ({
      userId,
      state: { balanceFen: await this.services.money.balance(userId) },
    });
  }

  /** A wallet is only ever opened for an account that exists. */
  private async requireUser(userId: number): Promise<void> {
    if (!(await this.services.users.findById(userId))) throw new AppError('NOT_FOUND');
  }
}

export interface WalletMove {
  readonly userId: number;
  readonly amountFen: number;
  readonly note?: string | undefined;
  readonly idempotencyKey?: string | undefined;
}

function walletRecord(action: string, input: WalletMove): ActionRecord {
  return {
    action,
    targetType: 'wallet',
    targetId: input.userId,
    detail: { amountFen: input.amountFen, note: input.note ?? '' },
    idempotencyKey: input.idempotencyKey,
  };
}
