import { z } from 'zod';
import * as fields from '../../fields.js';
import { adminProcedure, authedProcedure, publicProcedure, router } from '../../trpc/init.js';
import { demandAwaitingReview } from '../admin/admin.schemas.js';
import { application } from '../applications/application.schemas.js';
import { viewerOf } from '../auth/authenticate.js';
import {
  demand,
  demandChanges,
  demandInput,
  myDemandsFilter,
  publicDemand,
  publicDemandsFilter,
  publicDemandsPage,
} from './demand.schemas.js';

const byId = z.object({ id: fields.id });
const ownDemand = demand.extend({ applications: z.array(application) });

export const demandRouter = router({
  /** Posts a demand for review: at most LIMIT_DEMANDS_PER_USER_HOUR an hour (DEMAND_POST_TOO_FREQUENT). */
  create: authedProcedure
    .meta({
      errors: ['END_BEFORE_BEGIN', 'FILE_REFERENCE_INVALID', 'FILE_PRIVATE', 'DEMAND_POST_TOO_FREQUENT'],
    })
    .input(demandInput)
    .output(z.object({ id: z.number().int(), orderNo: z.string() }))
    .mutation(({ ctx, input }) => ctx.services.demands.create(ctx.user.id, input)),

  /**
   * The owner edits until the demand is paid; an edit sends it back to review. An absent `category`
   * or `files` keeps what is stored.
   */
  update: authedProcedure
    .meta({
      errors: ['NOT_FOUND', 'DEMAND_PAID', 'END_BEFORE_BEGIN', 'FILE_REFERENCE_INVALID', 'FILE_PRIVATE'],
    })
    .input(demandChanges.extend({ id: fields.id }))
    .output(z.void())
    .mutation(({ ctx, input: { id, ...changes } }) => ctx.services.demands.update(ctx.user.id, id, changes)),

  getMine: authedProcedure
    .meta({ errors: ['NOT_FOUND'] })
    .input(byId)
    .output(demand)
    .query(({ ctx, input }) => ctx.services.demands.getOwn(ctx.user.id, input.id)),

  /** The owner's demands, each with all its applications (applicants' phones included). */
  listMine: authedProcedure
    .input(myDemandsFilter)
    .output(fields.pageOf(ownDemand))
    .query(({ ctx, input: { page, perPage, ...filter } }) =>
      ctx.services.demands.listOwn(ctx.user.id, filter, { page, perPage }, (db, ids) =>
        ctx.services.applications.ofDemands(ids, db),
      ),
    ),

  remove: authedProcedure
    .meta({ errors: ['NOT_FOUND', 'DEMAND_IN_PROGRESS'] })
    .input(byId)
    .output(z.void())
    .mutation(({ ctx, input }) => ctx.services.demands.remove(ctx.user.id, input.id)),

  removeFile: authedProcedure
    .meta({ errors: ['NOT_FOUND', 'DEMAND_PAID'] })
    .input(z.object({ fileId: fields.id }))
    .output(z.void())
    .mutation(({ ctx, input }) => ctx.services.demands.removeFile(ctx.user.id, input.fileId)),

  /**
   * Reviewed demands, newest first; `title` keeps those whose title contains it. A title search
   * counts at most 10,000 matches and pages stop there (`totalIsExact: false` past that).
   */
  list: publicProcedure
    .meta({ errors: ['SEARCH_TOO_MANY', 'SEARCH_BUSY'] })
    .input(publicDemandsFilter)
    .output(publicDemandsPage)
    .query(({ ctx, input: { kind, title, ...page } }) =>
      ctx.services.publicDemands.list({ kind, title }, page, ctx.ip),
    ),

  /** A reviewed demand with its application count and the poster's verified company name. */
  get: publicProcedure
    .meta({ errors: ['NOT_FOUND'] })
    .input(byId)
    .output(publicDemand)
    .query(async ({ ctx, input }) =>
      ctx.services.demands.getPublic(input.id, (await viewerOf(ctx))?.id ?? null),
    ),

  /** Admins: the review queue, oldest first, each demand with who posted it. */
  awaitingReview: adminProcedure
    .input(z.object(fields.pageRequest))
    .output(fields.pageOf(demandAwaitingReview))
    .query(({ ctx, input }) => ctx.services.admin.demandsAwaitingReview(input)),

  /**
   * Admins approve or reject a pending demand; a rejection's reason is shown to its owner, and a
   * rejection gives a paid demand's escrow back to the owner (the demand is then unpaid). Audited.
   */
  review: adminProcedure
    .meta({
      errors: [
        'NOT_FOUND',
        'DEMAND_NOT_PENDING',
        'DEMAND_CHANGED',
        'DEMAND_HAS_SELECTION',
        'DEMAND_HAS_PAYOUTS',
      ],
    })
    .input(
      z.object({
        id: fields.id,
        approve: z.boolean(),
        reason: fields.text(255).optional(),
        /** The queue's `updatedAt` of the demand reviewed: one changed since is refused (DEMAND_CHANGED). */
        updatedAt: z.date().optional(),
      }),
    )
    .output(z.void())
    .mutation(({ ctx, input }) => ctx.services.adminActions.reviewDemand({ adminId: ctx.user.id }, input)),

  /**
   * Admins give a paid demand's escrow back to its owner's wallet while no applicant is selected:
   * the owner cannot delete a paid demand, so one nobody suitable applied to would hold its price
   * for good. The demand is then unpaid, to be edited, deleted or paid anew. One that paid
   * applicants and has no selected one left to pay (an imported demand left unsettled) is settled
   * instead. Audited.
   */
  returnEscrow: adminProcedure
    .meta({ errors: ['NOT_FOUND', 'DEMAND_SETTLED', 'NOTHING_IN_ESCROW', 'DEMAND_HAS_SELECTION'] })
    .input(z.object({ id: fields.id, reason: fields.text(255).optional() }))
    .output(z.object({ refundedFen: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.adminActions.returnEscrow({ adminId: ctx.user.id }, input)),

  /**
   * Admins release a selected applicant who never delivered, so that the escrow promised to them is
   * not held for good: the application is unselected (the applicant may withdraw it) and its share
   * goes to 0, and the demand's escrow is allocated anew among the selected applications still
   * unpaid. Releasing the last one leaves the escrow to be given back (`demands.returnEscrow`). A
   * delivered application is refused: its owner must pay it, or the dispute is settled outside the
   * service. Audited.
   */
  releaseSelection: adminProcedure
    .meta({
      errors: [
        'NOT_FOUND',
        'DEMAND_SETTLED',
        'APPLICATION_ALREADY_PAID',
        'APPLICATION_NOT_SELECTED',
        'APPLICATION_DELIVERED',
      ],
    })
    .input(z.object({ applicationId: fields.id, reason: fields.text(255).optional() }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      ctx.services.adminActions.releaseSelection({ adminId: ctx.user.id }, input),
    ),
});
