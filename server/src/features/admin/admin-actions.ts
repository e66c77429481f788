import type { Clock } from '../../clock.js';
import type { Tx } from '../../db/database.js';
import type { ChangeHooks } from '../../db/transaction.js';
import { AppError } from '../../errors.js';
import { reviewStateOfCode } from '../../review-states.js';
import type { ReviewDecision } from '../account/account.schemas.js';
import { findReview } from '../account/verification.repository.js';
import type { VerificationService } from '../account/verification.service.js';
import { findApplication, sharesOf } from '../applications/application.repository.js';
import type { ApplicationService } from '../applications/application.service.js';
import { findDemand } from '../demands/demand.repository.js';
import type { DemandService } from '../demands/demand.service.js';
import { escrowOf } from '../demands/demand-escrow.js';
import type { BillingService } from '../money/billing.service.js';
import { returnEscrowOfRejected } from '../money/escrow-refund.js';
import { findInvoiceRequest, walletBalance } from '../money/money.repository.js';
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
 * CLI), each recorded in the audit trail with who, what, when, and the state before and after. The
 * record is written in the transaction of the change, by the hook each service's write takes: an
 * action that fails is not recorded, and one whose record cannot be written is undone (a credit
 * retried with its key then moves the money, once).
 */
export class AdminActions {
  constructor(
    private readonly clock: Clock,
    private readonly services: {
      readonly users: UserService;
      readonly demands: DemandService;
      readonly applications: ApplicationService;
      readonly verifications: VerificationService;
      readonly money: MoneyService;
      readonly billing: BillingService;
    },
  ) {}

  reviewDemand(actor: Actor, input: { id: number; approve: boolean; reason?: string | undefined }) {
    // `paid` too: a rejection gives a paid demand's escrow back and makes it unpaid, which the
    // record must show beside the review it came with.
    const read = async (db: Tx): Promise<Snapshot> => {
      const row = await findDemand(db, input.id);
      return {
        userId: row?.owner_id ?? null,
        state: row && {
          review: reviewStateOfCode(row.review_state),
          reason: row.review_reason,
          paid: row.paid === 1,
        },
      };
    };
    return this.recorded(
      actor,
      { action: 'demands.review', targetType: 'demand', targetId: input.id, detail: input },
      read,
      (audit) =>
        this.services.demands.review(input.id, input, {
          beforeChange: audit.beforeChange,
          // A rejection gives a paid demand's escrow back, in the review's transaction: composed
          // here, above both features, so that demands need not reach up into money.
          alsoInTransaction: async (tx) => {
            if (!input.approve) await returnEscrowOfRejected(tx, input.id, this.clock.now());
            await audit.alsoInTransaction(tx);
          },
        }),
    );
  }

  /** Gives a paid demand's escrow back to its owner while no applicant is selected (MoneyService.returnEscrow). */
  returnEscrow(actor: Actor, input: { id: number; reason?: string | undefined }) {
    const read = async (db: Tx): Promise<Snapshot> => {
      const row = await findDemand(db, input.id);
      return {
        userId: row?.owner_id ?? null,
        state: row && {
          paid: row.paid === 1,
          settled: row.settled === 1,
          escrowFen: await escrowOf(db, input.id),
        },
      };
    };
    return this.recorded(
      actor,
      { action: 'demands.returnEscrow', targetType: 'demand', targetId: input.id, detail: input },
      read,
      (audit) => this.services.money.returnEscrow(input.id, audit),
    );
  }

  /**
   * Releases a selected applicant who never delivered (ApplicationService.release): the state on
   * either side is the application's and the shares of its demand, which the release allocates anew.
   */
  releaseSelection(actor: Actor, input: { applicationId: number; reason?: string | undefined }) {
    const read = async (db: Tx): Promise<Snapshot> => {
      const row = await findApplication(db, input.applicationId);
      return {
        userId: row?.applicant_id ?? null,
        state: row && {
          demandId: row.demand_id,
          selected: row.selected === 1,
          delivered: row.delivered === 1,
          paid: row.paid === 1,
          allocatedFen: Number(row.allocated_fen),
          escrowFen: await escrowOf(db, row.demand_id),
          shares: await sharesOf(db, row.demand_id),
        },
      };
    };
    return this.recorded(
      actor,
      {
        action: 'demands.releaseSelection',
        targetType: 'application',
        targetId: input.applicationId,
        detail: input,
      },
      read,
      (audit) => this.services.applications.release(input.applicationId, audit),
    );
  }

  reviewVerification(actor: Actor, decision: ReviewDecision) {
    const read = async (db: Tx): Promise<Snapshot> => {
      const row = await findReview(db, decision.kind, decision.userId);
      return {
        userId: decision.userId,
        state: row && { status: reviewStateOfCode(row.state), rejectReason: row.reject_reason },
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
      (audit) =>
        this.services.verifications.review(decision, {
          beforeChange: audit.beforeChange,
          alsoInTransaction: async (tx) => {
            await requireSubmissionRead(tx, decision);
            await audit.alsoInTransaction(tx);
          },
        }),
    );
  }

  /** Credits money received outside the service (bank transfer, cash); a retry with the key credits once. */
  async credit(actor: Actor, input: WalletMove) {
    await this.requireUser(input.userId);
    const alsoInTransaction = this.walletRecorder(actor, 'wallet.credit', input, input.amountFen);
    return this.services.money.recharge(input.userId, input.amountFen, { ...input, alsoInTransaction });
  }

  /** Records money paid out to the user's bank account outside the service: never below zero. */
  async withdraw(actor: Actor, input: WalletMove) {
    await this.requireUser(input.userId);
    const alsoInTransaction = this.walletRecorder(actor, 'wallet.withdraw', input, -input.amountFen);
    return this.services.money.withdraw(input.userId, input.amountFen, { ...input, alsoInTransaction });
  }

  markInvoiceIssued(actor: Actor, invoiceRequestId: number) {
    const read = async (db: Tx): Promise<Snapshot> => {
      const row = await findInvoiceRequest(db, invoiceRequestId);
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
      (audit) => this.services.billing.markIssued(invoiceRequestId, audit),
    );
  }

  /** Makes the phone's account an admin (the CLI's create-admin); the state before as its transaction read it. */
  grantAdmin(actor: Actor, phone: string, passwordHash: string) {
    return this.services.users.grantAdmin(phone, passwordHash, {
      alsoInTransaction: (tx, { userId, created, wasAdmin }) =>
        this.save(
          tx,
          actor,
          { action: 'user.grantAdmin', targetType: 'user', targetId: userId, detail: { phone } },
          { userId, state: created ? null : { isAdmin: wasAdmin } },
          { userId, state: { isAdmin: true } },
        ),
    });
  }

  /**
   * Runs `act`, which hands the recording's hooks to its service. Both states are read in the
   * change's transaction: the one before once the service holds the lock of the row the change
   * depends on, the one after at its end, where the record is written. Read ahead of the
   * transaction, the state before could miss someone else's change made meanwhile (the owner paying
   * a demand just before an operator rejects it, which refunds the payment) and the record would
   * not show what the action changed.
   */
  private recorded<T>(
    actor: Actor,
    record: ActionRecord,
    read: (db: Tx) => Promise<Snapshot>,
    act: (audit: Required<ChangeHooks>) => Promise<T>,
  ): Promise<T> {
    // Set anew by each attempt of the transaction (a deadlock is retried) before its record.
    let before: Snapshot | undefined;
    return act({
      beforeChange: async (tx) => {
        before = await read(tx);
      },
      alsoInTransaction: async (tx) => {
        if (!before) throw new Error(`${record.action}: the state before the change was never read`);
        await this.save(tx, actor, record, before, await read(tx));
      },
    });
  }

  private save(tx: Tx, actor: Actor, record: ActionRecord, before: Snapshot, after: Snapshot) {
    return insertAction(tx, {
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

  /**
   * Records a wallet move with the balances on either side of it. Both come from the move's own
   * transaction, which holds the wallet's lock: a balance read ahead of it could be another
   * operator's move, made meanwhile, and the record would show a jump this move did not make.
   */
  private walletRecorder(actor: Actor, action: string, input: WalletMove, changeFen: number) {
    return async (tx: Tx) => {
      const after = await walletBalance(tx, input.userId);
      const snapshot = (balanceFen: number): Snapshot => ({ userId: input.userId, state: { balanceFen } });
      await this.save(tx, actor, walletRecord(action, input), snapshot(after - changeFen), snapshot(after));
    };
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

/**
 * A decision names the submission the reviewer read; one the user has replaced since (new documents,
 * another name) is refused, and the decision undone with its transaction, which holds the record's
 * row: approving it would verify what nobody looked at.
 */
async function requireSubmissionRead(tx: Tx, decision: ReviewDecision): Promise<void> {
  if (decision.submittedAt === undefined) return;
  const row = await findReview(tx, decision.kind, decision.userId);
  if (Number(row?.submitted_at) !== decision.submittedAt.getTime())
    throw new AppError('VERIFICATION_CHANGED');
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
