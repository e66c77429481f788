import type { Clock } from '../../clock.js';
import { type Db, isUniqueViolation, type Tx } from '../../db/database.js';
import { type AlsoInTransaction, type ChangeHooks, inTransaction } from '../../db/transaction.js';
import { AppError } from '../../errors.js';
import type { PageRequest } from '../../fields.js';
import { offsetOf, pageResult } from '../../fields.js';
import { reviewCodes } from '../../review-states.js';
import {
  countSelectedUnpaid,
  findApplication,
  lockApplication,
  markApplicationPaid,
} from '../applications/application.repository.js';
import { lockDemand } from '../demands/demand.repository.js';
import { escrowOf, fundEscrow, markSettled, takeFromEscrow } from '../demands/demand-escrow.js';
import { refundEscrow, returnUnpromisedEscrow, settleWhenAllPaid } from './escrow-refund.js';
import {
  addToWallet,
  appendEntry,
  entriesOfAccount,
  escrowAccount,
  findAnswer,
  insertRecharge,
  lockWallets,
  outsideAccount,
  saveAnswer,
  takeFromWallet,
  walletAccount,
  walletBalance,
} from './money.repository.js';
import type { LedgerEntry, PayoutResult } from './money.schemas.js';
import { keepSharesPayable } from './shares.js';

/**
 * Every movement of money: recharges, paying a demand into escrow, payouts and the refund of
 * what escrow has left. Each runs in one transaction that changes the balances and appends the
 * ledger entries together; rows are locked demand → application → wallets (ascending), and a
 * deadlock victim is retried whole.
 */
export class MoneyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  balance(userId: number): Promise<number> {
    return walletBalance(this.db, userId);
  }

  /** A wallet's ledger, newest first: positive amounts came in, negative ones went out. */
  entries(userId: number, page: PageRequest) {
    return this.entriesOf(walletAccount(userId), page);
  }

  /**
   * What went into a demand's escrow and out of it (payouts, the refund), newest first; `db` is a
   * caller's snapshot (readConsistently).
   */
  escrowEntries(demandId: number, page: PageRequest, db: Db = this.db) {
    return this.entriesOf(escrowAccount(demandId), page, db);
  }

  private async entriesOf(account: string, page: PageRequest, db: Db = this.db) {
    const { rows, total } = await entriesOfAccount(db, account, page.perPage, offsetOf(page));
    const items: LedgerEntry[] = rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      amountFen: row.to_account === account ? Number(row.amount_fen) : -Number(row.amount_fen),
      demandId: row.demand_id,
      applicationId: row.application_id,
      note: row.note,
      createdAt: new Date(Number(row.created_at)),
    }));
    return pageResult(items, total, page);
  }

  /**
   * Whether a credit or withdrawal was already made with this key: a retry answers as the first
   * did, so only this tells the operator's command that its run moved nothing.
   */
  async moveMadeWithKey(move: 'recharge' | 'withdrawal', idempotencyKey: string): Promise<boolean> {
    return (await findAnswer(this.db, `${move}:${idempotencyKey}`)) !== undefined;
  }

  /** Credits a wallet with money received outside the service, writing the recharge record. */
  async recharge(
    userId: number,
    amountFen: number,
    options: WalletMoveOptions = {},
  ): Promise<{ rechargeId: number }> {
    // One key for every wallet (the transfer's reference): with the user among the parameters, the
    // same transfer credited to a second wallet is refused, not credited twice.
    const key = options.idempotencyKey && `recharge:${options.idempotencyKey}`;
    return this.idempotent(key, { userId, amountFen }, async (tx, now) => {
      await lockWallets(tx, [userId], now);
      await addToWallet(tx, userId, amountFen, now);
      const rechargeId = await insertRecharge(tx, { userId, amountFen, note: options.note ?? '', now });
      await appendEntry(tx, {
        kind: 'recharge',
        amount_fen: amountFen,
        from_account: outsideAccount,
        to_account: walletAccount(userId),
        user_id: userId,
        recharge_id: rechargeId,
        note: options.note ?? '',
        created_at: now,
      });
      await options.alsoInTransaction?.(tx);
      return { rechargeId };
    });
  }

  /**
   * Records money paid out to the user outside the service (a bank transfer an operator made): a
   * debit of the wallet, refused when the balance does not cover it.
   */
  async withdraw(
    userId: number,
    amountFen: number,
    options: WalletMoveOptions = {},
  ): Promise<{ balanceFen: number }> {
    const key = options.idempotencyKey && `withdrawal:${options.idempotencyKey}`;
    return this.idempotent(key, { userId, amountFen }, async (tx, now) => {
      await lockWallets(tx, [userId], now);
      if (!(await takeFromWallet(tx, userId, amountFen, now))) throw new AppError('BALANCE_TOO_LOW');
      await appendEntry(tx, {
        kind: 'withdrawal',
        amount_fen: amountFen,
        from_account: walletAccount(userId),
        to_account: outsideAccount,
        user_id: userId,
        note: options.note ?? '',
        created_at: now,
      });
      const balanceFen = await walletBalance(tx, userId);
      await options.alsoInTransaction?.(tx);
      return { balanceFen };
    });
  }

  /**
   * Moves the demand's price from its owner's wallet into the demand's escrow, once. Not for a
   * rejected demand: a paid demand cannot be edited, and only an edit sends a rejected one back to
   * review, so its price would wait in escrow for an operator. (One awaiting review may be paid; a
   * rejection then gives the price back.)
   */
  async payDemand(ownerId: number, demandId: number, idempotencyKey?: string): Promise<{ paidFen: number }> {
    const key = idempotencyKey && `escrow:${ownerId}:${idempotencyKey}`;
    return this.idempotent(key, { demandId }, async (tx, now) => {
      const demand = await lockDemand(tx, demandId);
      if (!demand || demand.owner_id !== ownerId) throw new AppError('NOT_FOUND');
      if (demand.paid) throw new AppError('DEMAND_ALREADY_PAID');
      if (demand.review_state === reviewCodes.rejected) throw new AppError('DEMAND_REJECTED');
      const price = Number(demand.price_fen);
      await lockWallets(tx, [ownerId], now);
      if (!(await takeFromWallet(tx, ownerId, price, now))) throw new AppError('BALANCE_TOO_LOW');
      if (!(await fundEscrow(tx, demandId, price, now))) throw new AppError('DEMAND_ALREADY_PAID');
      await appendEntry(tx, {
        kind: 'escrow',
        amount_fen: price,
        from_account: walletAccount(ownerId),
        to_account: escrowAccount(demandId),
        user_id: ownerId,
        demand_id: demandId,
        note: '',
        created_at: now,
      });
      return { paidFen: price };
    });
  }

  /**
   * Gives a paid demand's escrow back to its owner while no applicant is selected (an operator's
   * decision): the owner cannot delete a paid demand, so a demand nobody suitable applied to would
   * hold its price for good. The demand is unpaid again. When applicants were paid and no selected
   * one is left to pay (an imported demand left unsettled), what is left is given back and the
   * demand settled instead.
   */
  async returnEscrow(demandId: number, options: ChangeHooks = {}): Promise<{ refundedFen: number }> {
    return inTransaction(this.db, async (tx) => {
      const demand = await lockDemand(tx, demandId);
      await options.beforeChange?.(tx);
      if (!demand) throw new AppError('NOT_FOUND');
      if (demand.settled) throw new AppError('DEMAND_SETTLED');
      if (!demand.paid) throw new AppError('NOTHING_IN_ESCROW');
      const now = this.clock.now();
      const refundedFen =
        (await settleWhenAllPaid(tx, demand, now)) ?? (await returnUnpromisedEscrow(tx, demand, now));
      await options.alsoInTransaction?.(tx);
      return { refundedFen };
    });
  }

  /**
   * Confirms a delivered application and pays it from escrow: the given amount, or without one the
   * share it was allocated at selection. When the last selected application is paid, the demand is
   * settled and what escrow has left goes back to the owner; before that, shares escrow no longer
   * covers (an amount above its share was given) are shared anew (`keepSharesPayable`).
   */
  async payApplication(
    ownerId: number,
    applicationId: number,
    amountFen: number | undefined,
    idempotencyKey?: string,
  ): Promise<PayoutResult> {
    const key = idempotencyKey && `payout:${ownerId}:${idempotencyKey}`;
    const found = await findApplication(this.db, applicationId);
    if (!found) throw new AppError('NOT_FOUND');
    return this.idempotent(key, { applicationId, amountFen }, async (tx, now) => {
      const demand = await lockDemand(tx, found.demand_id);
      if (!demand || demand.owner_id !== ownerId) throw new AppError('NOT_FOUND');
      const application = await lockApplication(tx, applicationId);
      if (!application) throw new AppError('NOT_FOUND');
      if (application.paid) throw new AppError('APPLICATION_ALREADY_PAID');
      // What the application lacks first: an unpaid demand's applicant cannot be selected, and being
      // told 需求未支付，不能选择接单人 while confirming a delivery says nothing about this payout.
      if (!application.selected || !application.delivered) throw new AppError('NOT_DELIVERED');
      // Selected and delivered on an unpaid demand: only an imported one, paid in when its owner pays it.
      if (!demand.paid) throw new AppError('DEMAND_NOT_PAID');
      const paidFen = amountFen ?? Number(application.allocated_fen);
      if (paidFen > (await escrowOf(tx, demand.id))) throw new AppError('ESCROW_TOO_LOW');

      const settles = (await countSelectedUnpaid(tx, demand.id)) === 1;
      await lockWallets(tx, settles ? [application.applicant_id, ownerId] : [application.applicant_id], now);
      if (!(await markApplicationPaid(tx, applicationId, paidFen, now))) {
        throw new AppError('APPLICATION_ALREADY_PAID');
      }
      if (paidFen > 0) {
        if (!(await takeFromEscrow(tx, demand.id, paidFen, now))) throw new AppError('ESCROW_TOO_LOW');
        await addToWallet(tx, application.applicant_id, paidFen, now);
        await appendEntry(tx, {
          kind: 'payout',
          amount_fen: paidFen,
          from_account: escrowAccount(demand.id),
          to_account: walletAccount(application.applicant_id),
          user_id: ownerId,
          demand_id: demand.id,
          application_id: applicationId,
          note: '',
          created_at: now,
        });
      }
      let refundedFen = 0;
      if (settles) {
        refundedFen = await refundEscrow(tx, demand.id, ownerId, now);
        await markSettled(tx, demand.id, now);
      } else if (paidFen > 0) {
        await keepSharesPayable(tx, demand.id, now);
      }
      return { paidFen, settled: settles, refundedFen };
    });
  }

  /**
   * Runs `work` in a transaction. With an idempotency key, the call's parameters and its answer are
   * stored under the key in the same transaction, and a retry answers exactly that instead of
   * failing or moving money again; two racing calls with one key move it once (the loser's
   * transaction fails on the key, or on the state the winner left, and then reads the winner's
   * answer). The key sent again with other parameters (another amount after a lost answer) is
   * another request: refused, since the first call's answer would tell the caller that money moved
   * which did not.
   */
  private async idempotent<T>(
    key: string | undefined,
    parameters: Record<string, unknown>,
    work: (tx: Tx, now: number) => Promise<T>,
  ): Promise<T> {
    const request = JSON.stringify(parameters);
    const run = () =>
      inTransaction(this.db, async (tx) => {
        const now = this.clock.now();
        const answer = await work(tx, now);
        if (key) await saveAnswer(tx, key, request, answer, now);
        return answer;
      });
    if (!key) return run();
    const answerTo = (stored: { request: string | null; answer: unknown }) => {
      if (stored.request !== null && stored.request !== request) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return stored.answer as T;
    };
    const stored = await findAnswer(this.db, key);
    if (stored !== undefined) return answerTo(stored);
    try {
      return await run();
    } catch (error) {
      if (isUniqueViolation(error) || error instanceof AppError) {
        const raced = await findAnswer(this.db, key);
        if (raced !== undefined) return answerTo(raced);
      }
      throw error;
    }
  }
}

export interface WalletMoveOptions {
  readonly note?: string;
  readonly idempotencyKey?: string;
  /** Committed with the move and its stored answer: a retry answered from the store runs it no more. */
  readonly alsoInTransaction?: AlsoInTransaction;
}
