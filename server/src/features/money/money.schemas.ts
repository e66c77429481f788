import { z } from 'zod';
import { priceFen } from '../demands/demand.schemas.js';

/** An amount moved by a payment: positive fen within the price cap. */
export const amountFen = priceFen;

/** A client-chosen key that makes a retried payment answer like the first call instead of paying twice. */
export const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,100}$/)
  .optional();

export const ledgerEntry = z.object({
  id: z.number().int(),
  kind: z.enum(['recharge', 'withdrawal', 'escrow', 'payout', 'refund', 'adjustment', 'opening']),
  /** Positive when money came into the wallet, negative when it left. */
  amountFen: z.number().int(),
  demandId: z.number().int().nullable(),
  applicationId: z.number().int().nullable(),
  note: z.string(),
  createdAt: z.date(),
});
export type LedgerEntry = z.infer<typeof ledgerEntry>;

export const payoutResult = z.object({
  paidFen: z.number().int(),
  /** True when this payout settled the demand. */
  settled: z.boolean(),
  /** What escrow had left and went back to the owner on settlement. */
  refundedFen: z.number().int(),
});
export type PayoutResult = z.infer<typeof payoutResult>;

export const recharge = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  amountFen: z.number().int(),
  note: z.string(),
  invoiced: z.boolean(),
  createdAt: z.date(),
});
export type Recharge = z.infer<typeof recharge>;

export const invoiceRequest = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  rechargeId: z.number().int(),
  amountFen: z.number().int(),
  requestedAt: z.date(),
  issued: z.boolean(),
  issuedAt: z.date().nullable(),
  /** The company name verified when the invoice was requested; null when there was none. */
  title: z.string().nullable(),
});
export type InvoiceRequest = z.infer<typeof invoiceRequest>;
