import { z } from 'zod';
import * as fields from '../../fields.js';
import { authedProcedure, router } from '../../trpc/init.js';
import { applyInput, applyRefusals, deliverInput, myApplication } from './application.schemas.js';

export const applicationRouter = router({
  /** Whether the user may apply to the demand, and if not, why (the code `submit` would fail with). */
  canApply: authedProcedure
    .meta({ errors: ['NOT_FOUND'] })
    .input(z.object({ demandId: fields.id }))
    .output(
      z.discriminatedUnion('canApply', [
        z.object({ canApply: z.literal(true) }),
        z.object({ canApply: z.literal(false), reason: z.enum(applyRefusals) }),
      ]),
    )
    .query(({ ctx, input }) => ctx.services.applications.canApply(ctx.user.id, input.demandId)),

  /** Applies to a demand: at most LIMIT_APPLICATIONS_PER_USER_HOUR an hour (APPLY_TOO_FREQUENT). */
  submit: authedProcedure
    .meta({ errors: ['NOT_FOUND', ...applyRefusals, 'FILE_REFERENCE_INVALID', 'FILE_PRIVATE'] })
    .input(applyInput)
    .output(z.object({ id: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.applications.apply(ctx.user.id, input)),

  /**
   * The demand's owner selects applicants of that demand. A selection only grows: answers every
   * application selected now, those selected before included.
   */
  select: authedProcedure
    .meta({
      errors: [
        'NOT_FOUND',
        'DEMAND_SETTLED',
        'DEMAND_NOT_PAID',
        'DEMAND_NOT_APPROVED',
        'APPLICATIONS_NOT_OF_DEMAND',
      ],
    })
    .input(z.object({ demandId: fields.id, applicationIds: z.array(fields.id).min(1).max(100) }))
    .output(z.object({ selected: z.array(z.number().int()) }))
    .mutation(({ ctx, input }) =>
      ctx.services.applications.select(ctx.user.id, input.demandId, input.applicationIds),
    ),

  /** The selected applicant hands in preview images and the source archive. */
  deliver: authedProcedure
    .meta({ errors: ['NOT_FOUND', 'NOT_SELECTED', 'FILE_REFERENCE_INVALID', 'FILE_PRIVATE'] })
    .input(deliverInput)
    .output(z.void())
    .mutation(({ ctx, input }) => ctx.services.applications.deliver(ctx.user.id, input)),

  /** The applicant withdraws an application that is neither selected nor paid. */
  withdraw: authedProcedure
    .meta({ errors: ['NOT_FOUND', 'APPLICATION_SELECTED', 'APPLICATION_ALREADY_PAID'] })
    .input(z.object({ applicationId: fields.id }))
    .output(z.void())
    .mutation(({ ctx, input }) => ctx.services.applications.withdraw(ctx.user.id, input.applicationId)),

  listMine: authedProcedure
    .input(z.object(fields.pageRequest))
    .output(fields.pageOf(myApplication))
    .query(({ ctx, input }) => ctx.services.applications.listMine(ctx.user.id, input)),

  getMine: authedProcedure
    .meta({ errors: ['NOT_FOUND'] })
    .input(z.object({ applicationId: fields.id }))
    .output(myApplication)
    .query(({ ctx, input }) => ctx.services.applications.getMine(ctx.user.id, input.applicationId)),
});
