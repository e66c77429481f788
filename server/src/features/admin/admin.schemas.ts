import { z } from 'zod';
import * as fields from '../../fields.js';
import { myVerifications } from '../account/account.schemas.js';
import { application, myApplication } from '../applications/application.schemas.js';
import { demand } from '../demands/demand.schemas.js';
import { invoiceRequest, ledgerEntry } from '../money/money.schemas.js';
import { profile } from '../user/user.schemas.js';

/** An account as an operator deciding about it needs to see it: who posted a demand, who asked for an invoice. */
const accountSummary = z.object({
  id: z.number().int(),
  phone: z.string(),
  userType: profile.shape.userType,
  verified: z.boolean(),
  /** The verified company's name; null unless a company verification is approved. */
  companyName: z.string().nullable(),
});
export type AccountSummary = z.infer<typeof accountSummary>;

export const demandUnderReview = demand.extend({ poster: accountSummary.nullable() });

/**
 * A demand in the review queue. `updatedAt` names the version shown: a review sent with it is
 * refused when the owner has changed the demand since (DEMAND_CHANGED).
 */
export const demandAwaitingReview = demandUnderReview.extend({ updatedAt: z.date() });

/** An invoice request waiting to be issued, with who asked: the verified company's name is its title. */
export const invoiceToIssue = invoiceRequest.extend({ requester: accountSummary.nullable() });

/** What the console needs of this deployment's settings. */
export const consoleSettings = z.object({
  /** TZ_DISPLAY: the console shows dates in it, as the legacy door writes them. */
  displayTimeZone: z.string(),
});

export const queueCounts = z.object({
  demands: z.number().int(),
  verifications: z.number().int(),
  invoices: z.number().int(),
});

/** Everything the console shows of one account. */
export const userDetail = myVerifications.extend({
  profile,
  balanceFen: z.number().int(),
  /** The newest 50 demands the user posted, each with its applications. */
  demands: z.array(demand.extend({ applications: z.array(application) })),
  /** The newest 50 applications the user made, each with its demand. */
  applications: z.array(myApplication),
});

/** A demand as an operator reads it: its applications, escrow and every movement of its money. */
export const demandDetail = z.object({
  demand: demand.extend({ escrowFen: z.number().int() }),
  poster: accountSummary.nullable(),
  applications: z.array(application),
  /** Into escrow (positive) and out of it (payouts, the refund; negative), newest first. */
  escrowEntries: z.array(ledgerEntry),
});

export const auditEntry = z.object({
  id: z.number().int(),
  /** null when the admin CLI acted. */
  adminId: z.number().int().nullable(),
  adminPhone: z.string().nullable(),
  /** The procedure that acted, e.g. `demands.review`, `wallet.credit`. */
  action: z.string(),
  targetType: z.string(),
  targetId: z.number().int(),
  userId: z.number().int().nullable(),
  /** The phone of the user the action concerned (the demand's owner, the wallet's, the applicant). */
  userPhone: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  detail: z.unknown(),
  createdAt: z.date(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const auditQuery = z.object({ userId: fields.id.optional(), ...fields.pageRequest });
