import { z } from 'zod';
import * as fields from '../../fields.js';
import { reviewState, reviewStates } from '../../review-states.js';

export const demandKinds = ['partTime', 'fullTime', 'other'] as const;
export const settlements = ['monthly', 'daily', 'other'] as const;
export type DemandKind = (typeof demandKinds)[number];
export type Settlement = (typeof settlements)[number];

/** File references: upload URLs or upload ids, resolved to URLs by the uploads feature. */
export const fileReferences = z.array(z.string().max(500)).max(20);

/** Yuan amounts are typed as integer fen; the cap keeps sums far inside 2^53. */
export const priceFen = z.number().int().positive().max(100_000_000_000);

export const demandInput = z.object({
  title: fields.text(100).pipe(z.string().min(2)),
  kind: z.enum(demandKinds),
  priceFen,
  settlement: z.enum(settlements),
  address: fields.text(255).pipe(z.string().min(1)),
  workStart: fields.calendarDate,
  workEnd: fields.calendarDate,
  category: fields.text(100).default(''),
  description: fields.multilineText(5000).pipe(z.string().min(1)),
  files: fileReferences.optional(),
});
export type DemandInput = z.infer<typeof demandInput>;

/**
 * An edit: every field again, but for `category` and `files`, which keep what is stored when absent
 * (the old backend's edit took neither, and forms built on it leave them out).
 */
export const demandChanges = demandInput.extend({ category: fields.text(100).optional() });
export type DemandChanges = z.infer<typeof demandChanges>;

const demandFile = z.object({ id: z.number().int(), url: z.string() });

export const demand = z.object({
  id: z.number().int(),
  orderNo: z.string(),
  ownerId: z.number().int(),
  title: z.string(),
  kind: z.enum(demandKinds),
  priceFen: z.number().int(),
  settlement: z.enum(settlements),
  address: z.string(),
  workStart: z.date(),
  workEnd: z.date(),
  category: z.string(),
  description: z.string(),
  files: z.array(demandFile),
  review: reviewState,
  reviewReason: z.string(),
  paid: z.boolean(),
  settled: z.boolean(),
  /** The applications the employer selected, ascending ids; empty while nobody is selected. */
  selectedApplicationIds: z.array(z.number().int()),
  createdAt: z.date(),
});
export type Demand = z.infer<typeof demand>;

/** What anyone may see of a reviewed demand, with the applicant count and the company's verified name. */
export const publicDemand = demand.omit({ reviewReason: true }).extend({
  applicationCount: z.number().int(),
  companyName: z.string().nullable(),
});
export type PublicDemand = z.infer<typeof publicDemand>;

export const myDemandsFilter = z.object({
  title: fields.text(100).optional(),
  /** Demands in any of these review states. */
  review: z.array(reviewState).min(1).max(reviewStates.length).optional(),
  paid: z.boolean().optional(),
  settled: z.boolean().optional(),
  kind: z.enum(demandKinds).optional(),
  settlement: z.enum(settlements).optional(),
  ...fields.pageRequest,
});

/** The public list's filters: a kind, and text the title contains (`%` and `_` are literal). */
export const publicDemandsFilter = z.object({
  kind: z.enum(demandKinds).optional(),
  title: fields
    .text(100)
    .optional()
    .describe(
      'Only titles containing this text (`%` and `_` are literal). A title search counts at most 10,000 ' +
        'matches: past that `total` is 10000, `totalIsExact` false, and pages stop at the 10,000th match.',
    ),
  ...fields.pageRequest,
});

/** A page of the public list. A title search counts at most 10,000 matches (Elasticsearch's `track_total_hits`). */
export const publicDemandsPage = fields.pageOf(demand.omit({ reviewReason: true })).extend({
  total: z
    .number()
    .int()
    .describe('Matching demands; for a title search at most 10000, counted no further (see `totalIsExact`).'),
  totalIsExact: z
    .boolean()
    .describe(
      'False when a title search stopped counting at 10,000 matches: there are at least `total`, and ' +
        '`lastPage` is the last page within them. Always true without a title.',
    ),
});
