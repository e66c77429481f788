import { z } from 'zod';
import * as fields from '../../fields.js';
import { adminProcedure, authedProcedure, router } from '../../trpc/init.js';
import { invoiceToIssue } from '../admin/admin.schemas.js';
import {
  amountFen,
  idempotencyKey,
  invoiceRequest,
  ledgerEntry,
  payoutResult,
  recharge,
} from './money.schemas.js';

/** An admin's credit or withdrawal; a retry with the same idempotency key moves the money once. */
const walletMove = z.object({
  userId: fields.id,
  amountFen,
  note: fields.text(255).optional(),
  idempotencyKey,
});

export const walletRouter = router({
  get: authedProcedure
    .output(z.object({ balanceFen: z.number().int() }))
    .query(async ({ ctx }) => ({ balanceFen: await ctx.services.money.balance(ctx.user.id) })),

  /** The wallet's ledger history, newest first. */
  entries: authedProcedure
    .input(z.object(fields.pageRequest))
    .output(fields.pageOf(ledgerEntry))
    .query(({ ctx, input }) => ctx.services.money.entries(ctx.user.id, input)),

  /** Admins credit money received outside the service (bank transfer, cash). Audited. */
  credit: adminProcedure
    .meta({ errors: ['NOT_FOUND', 'IDEMPOTENCY_KEY_REUSED'] })
    .input(walletMove)
    .output(z.object({ rechargeId: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.adminActions.credit({ adminId: ctx.user.id }, input)),

  /**
   * Admins record money paid out to the user's bank account outside the service: a debit that never
   * takes the balance below zero. Audited.
   */
  withdraw: adminProcedure
    .meta({ errors: ['NOT_FOUND', 'BALANCE_TOO_LOW', 'IDEMPOTENCY_KEY_REUSED'] })
    .input(walletMove)
    .output(z.object({ balanceFen: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.adminActions.withdraw({ adminId: ctx.user.id }, input)),
});

export const paymentRouter = router({
  /** Moves the demand's price from the owner's wallet into its escrow. */
  payDemand: authedProcedure
    .meta({
      errors: [
        'NOT_FOUND',
        'DEMAND_ALREADY_PAID',
        'DEMAND_REJECTED',
        'BALANCE_TOO_LOW',
        'IDEMPOTENCY_KEY_REUSED',
      ],
    })
    .input(z.object({ demandId: fields.id, idempotencyKey }))
    .output(z.object({ paidFen: z.number().int() }))
    .mutation(({ ctx, input }) =>
      ctx.services.money.payDemand(ctx.user.id, input.demandId, input.idempotencyKey),
    ),

  /**
   * Confirms a delivered application and pays it from the demand's escrow: `amountFen` when given,
   * else the share it was allocated when selected (`allocatedFen`).
   */
  payApplication: authedProcedure
    .meta({
      errors: [
        'NOT_FOUND',
        'DEMAND_NOT_PAID',
        'APPLICATION_ALREADY_PAID',
        'NOT_DELIVERED',
        'ESCROW_TOO_LOW',
        'IDEMPOTENCY_KEY_REUSED',
      ],
    })
    .input(z.object({ applicationId: fields.id, amountFen: amountFen.optional(), idempotencyKey }))
    .output(payoutResult)
    .mutation(({ ctx, input }) =>
      ctx.services.money.payApplication(
        ctx.user.id,
        input.applicationId,
        input.amountFen,
        input.idempotencyKey,
      ),
    ),
});

export const billingRouter = router({
  recharges: authedProcedure
    .input(z.object({ invoiced: z.boolean().optional(), ...fields.pageRequest }))
    .output(fields.pageOf(recharge))
    .query(({ ctx, input: { invoiced, ...page } }) =>
      ctx.services.billing.recharges(ctx.user.id, invoiced, page),
    ),

  requestInvoices: authedProcedure
    .meta({ errors: ['NOT_FOUND', 'ALREADY_INVOICED'] })
    .input(z.object({ rechargeIds: z.array(fields.id).min(1).max(100) }))
    .output(z.object({ rechargeIds: z.array(z.number().int()) }))
    .mutation(({ ctx, input }) => ctx.services.billing.requestInvoices(ctx.user.id, input.rechargeIds)),

  invoiceRequests: authedProcedure
    .input(z.object(fields.pageRequest))
    .output(fields.pageOf(invoiceRequest))
    .query(({ ctx, input }) => ctx.services.billing.invoiceRequests({ userId: ctx.user.id }, input)),

  /** Admins: the invoice requests not issued yet, oldest first, each with who asked. */
  invoicesToIssue: adminProcedure
    .input(z.object(fields.pageRequest))
    .output(fields.pageOf(invoiceToIssue))
    .query(({ ctx, input }) => ctx.services.admin.invoicesToIssue(input)),

  /** Admins record that the invoice was issued (outside the service); the user's list shows 已开票. Audited. */
  markInvoiceIssued: adminProcedure
    .meta({ errors: ['NOT_FOUND', 'INVOICE_ALREADY_ISSUED'] })
    .input(z.object({ invoiceRequestId: fields.id }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      ctx.services.adminActions.markInvoiceIssued({ adminId: ctx.user.id }, input.invoiceRequestId),
    ),
});
