import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { type ChangeHooks, inTransaction } from '../../db/transaction.js';
import { AppError } from '../../errors.js';
import type { PageRequest } from '../../fields.js';
import { offsetOf, pageResult } from '../../fields.js';
import { verifiedCompanyName } from '../account/verification.repository.js';
import {
  findInvoiceRequest,
  type InvoiceFilter,
  insertInvoiceRequests,
  listInvoiceRequests,
  listRecharges,
  lockInvoiceRequest,
  markInvoiceIssued,
  markRechargesInvoiced,
  rechargesOf,
} from './money.repository.js';
import type { InvoiceRequest, Recharge } from './money.schemas.js';

/** Recharge records and the invoices users request for them. */
export class BillingService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async recharges(userId: number, invoiced: boolean | undefined, page: PageRequest) {
    const { rows, total } = await listRecharges(this.db, userId, invoiced, page.perPage, offsetOf(page));
    const items: Recharge[] = rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      amountFen: Number(row.amount_fen),
      note: row.note,
      invoiced: row.invoiced === 1,
      createdAt: new Date(Number(row.created_at)),
    }));
    return pageResult(items, total, page);
  }

  /**
   * One invoice request per recharge; all named recharges must be the user's and not yet invoiced.
   * Each keeps the company name verified now as its title: a later resubmission must not change it.
   */
  async requestInvoices(userId: number, rechargeIds: readonly number[]): Promise<{ rechargeIds: number[] }> {
    const ids = [...new Set(rechargeIds)];
    return inTransaction(this.db, async (tx) => {
      const recharges = await rechargesOf(tx, userId, ids);
      if (recharges.length !== ids.length) throw new AppError('NOT_FOUND');
      if ((await markRechargesInvoiced(tx, userId, ids)) !== ids.length)
        throw new AppError('ALREADY_INVOICED');
      const title = await verifiedCompanyName(tx, userId);
      await insertInvoiceRequests(tx, userId, recharges, title, this.clock.now());
      return { rechargeIds: ids };
    });
  }

  async invoiceRequests(filter: InvoiceFilter, page: PageRequest) {
    const { rows, total } = await listInvoiceRequests(this.db, filter, page.perPage, offsetOf(page));
    const items: InvoiceRequest[] = rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      rechargeId: row.recharge_id,
      amountFen: Number(row.amount_fen),
      requestedAt: new Date(Number(row.requested_at)),
      issued: row.issued === 1,
      issuedAt: row.issued_at === null ? null : new Date(Number(row.issued_at)),
      title: row.title,
    }));
    return pageResult(items, total, page);
  }

  async markIssued(invoiceRequestId: number, options: ChangeHooks = {}): Promise<void> {
    const issued = await inTransaction(this.db, async (tx) => {
      await lockInvoiceRequest(tx, invoiceRequestId);
      await options.beforeChange?.(tx);
      const marked = await markInvoiceIssued(tx, invoiceRequestId, this.clock.now());
      if (marked) await options.alsoInTransaction?.(tx);
      return marked;
    });
    if (issued) return;
    throw new AppError(
      (await findInvoiceRequest(this.db, invoiceRequestId)) ? 'INVOICE_ALREADY_ISSUED' : 'NOT_FOUND',
    );
  }
}
