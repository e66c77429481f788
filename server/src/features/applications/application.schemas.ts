import { z } from 'zod';
import * as fields from '../../fields.js';
import { demand, fileReferences } from '../demands/demand.schemas.js';

export const application = z.object({
  id: z.number().int(),
  demandId: z.number().int(),
  applicantId: z.number().int(),
  /** Shown only to the applicant and to the demand's owner; null elsewhere. */
  applicantPhone: z.string().nullable(),
  message: z.string(),
  files: z.array(z.string()),
  /** Chosen by the employer (legacy `锁定`). */
  selected: z.boolean(),
  delivered: z.boolean(),
  deliveryPreview: z.array(z.string()),
  deliverySource: z.string().nullable(),
  paid: z.boolean(),
  /**
   * The application's share of the demand's price, set when the employer selects (the escrow split
   * evenly among the selected applications, remainder fen to the oldest); 0 until selected.
   */
  allocatedFen: z.number().int(),
  /** What was paid out to it; 0 until paid. */
  paidFen: z.number().int(),
  deliveredAt: z.date().nullable(),
  createdAt: z.date(),
});
export type Application = z.infer<typeof application>;

/**
 * An application as its applicant reads it: with the demand it was made to, less the reason of a
 * rejection, which the reviewer wrote to the demand's owner (an approved demand the owner edits goes
 * back to review, applications and all).
 */
export const myApplication = application.extend({ demand: demand.omit({ reviewReason: true }) });
export type MyApplication = z.infer<typeof myApplication>;

export const applyInput = z.object({
  demandId: fields.id,
  // Like every free text of the service: control characters (NUL) refused, so a message of only
  // those cannot pass for a written one.
  message: fields.multilineText(2000).pipe(z.string().min(1)),
  files: fileReferences.default([]),
});

export const deliverInput = z.object({
  applicationId: fields.id,
  preview: fileReferences.default([]),
  source: z.string().min(1).max(500),
});

/** Why a user may not apply to a demand that exists. */
export const applyRefusals = [
  'ALREADY_APPLIED',
  'OWN_DEMAND',
  'DEMAND_NOT_OPEN',
  'APPLY_TOO_FREQUENT',
] as const;
export type ApplyRefusal = (typeof applyRefusals)[number];
