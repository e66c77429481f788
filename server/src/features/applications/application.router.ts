import { z } from 'zod';
import * as fields from '../../fields.js';
import { authedProcedure, router } from '../../trpc/init.js';
import { applyInput, deliverInput, myApplication } from './application.schemas.js';

export const applicationRouter = router({
  /** Succeeds when the user may apply to the demand; otherwise fails with the reason. */
  checkCanApply: authedProcedure
    .input(z.object({ demandId: fields.id }))
    .output(z.void())
    .query(({ ctx, input }) => ctx.services.applications.checkCanApply(ctx.user.id, input.demandId)),

  submit: authedProcedure
    .input(applyInput)
    .output(z.object({ id: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.applications.apply(ctx.user.id, input)),

  /** The demand's owner selects applicants of that demand. */
  select: authedProcedure
    .input(z.object({ demandId: fields.id, applicationIds: z.array(fields.id).min(1).max(100) }))
    .output(z.object({ selected: z.array(z.number().int()) }))
    .mutation(({ ctx, input }) =>
      ctx.services.applications.select(ctx.user.id, input.demandId, input.applicationIds),
    ),

  /** The selected applicant hands in preview images and the source archive. */
  deliver: authedProcedure
    .input(deliverInput)
    .output(z.void())
    .mutation(({ ctx, input }) => ctx.services.applications.deliver(ctx.user.id, input)),

  withdraw: authedProcedure
    .input(z.object({ applicationId: fields.id }))
    .output(z.void())
    .mutation(({ ctx, input }) => ctx.services.applications.withdraw(ctx.user.id, input.applicationId)),

  listMine: authedProcedure
    .input(z.object(fields.pageRequest))
    .output(fields.pageOf(myApplication))
    .query(({ ctx, input }) => ctx.services.applications.listMine(ctx.user.id, input)),

  getMine: authedProcedure
    .input(z.object({ applicationId: fields.id }))
    .output(myApplication)
    .query(({ ctx, input }) => ctx.services.applications.getMine(ctx.user.id, input.applicationId)),
});
