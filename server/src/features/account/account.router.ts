import { pageOf } from '../../fields.js';
import { adminProcedure, authedProcedure, router } from '../../trpc/init.js';
import { profile } from '../user/user.schemas.js';
import {
  accountOverview,
  companySubmission,
  companyVerification,
  individualBusinessSubmission,
  individualBusinessVerification,
  myVerifications,
  pendingQuery,
  pendingVerification,
  personSubmission,
  personVerification,
  profileUpdate,
  reviewDecision,
  reviewOutcome,
} from './account.schemas.js';

/** The caller's own account; verification records and ID numbers are shown to their owner and admins only. */
export const accountRouter = router({
  /** Profile, wallet balance and all three verification records of the logged-in user. */
  overview: authedProcedure
    .output(accountOverview)
    .query(({ ctx }) => ctx.services.profiles.overview(ctx.user.id)),

  updateProfile: authedProcedure
    .meta({ errors: ['FILE_REFERENCE_INVALID', 'FILE_PRIVATE', 'FILE_NOT_IMAGE'] })
    .input(profileUpdate)
    .output(profile)
    .mutation(({ ctx, input }) => ctx.services.profiles.update(ctx.user.id, input)),

  getMyVerifications: authedProcedure
    .output(myVerifications)
    .query(({ ctx }) => ctx.services.verifications.mine(ctx.user.id)),

  /**
   * Creates or updates the person record. A change of the identity (name, ID number, ID card
   * images) sends it (back) to review; the work profile alone keeps the review.
   */
  submitPersonVerification: authedProcedure
    .meta({ errors: ['FILE_REFERENCE_INVALID', 'FILE_NOT_IMAGE', 'END_BEFORE_BEGIN'] })
    .input(personSubmission)
    .output(personVerification)
    .mutation(({ ctx, input }) => ctx.services.verifications.submitPerson(ctx.user.id, input)),

  submitCompanyVerification: authedProcedure
    .meta({ errors: ['FILE_REFERENCE_INVALID', 'FILE_NOT_IMAGE'] })
    .input(companySubmission)
    .output(companyVerification)
    .mutation(({ ctx, input }) => ctx.services.verifications.submitCompany(ctx.user.id, input)),

  /** 个体工商户. Given partners replace the stored list. */
  submitIndividualBusinessVerification: authedProcedure
    .input(individualBusinessSubmission)
    .output(individualBusinessVerification)
    .mutation(({ ctx, input }) => ctx.services.verifications.submitIndividualBusiness(ctx.user.id, input)),

  /** Admins: the review queue, oldest first. */
  pendingVerifications: adminProcedure
    .input(pendingQuery)
    .output(pageOf(pendingVerification))
    .query(({ ctx, input }) => ctx.services.verifications.pending(input)),

  /** Admins: approve or reject a pending record; a rejection's reason is shown to the user. */
  reviewVerification: adminProcedure
    .meta({ errors: ['NOT_FOUND', 'VERIFICATION_NOT_PENDING', 'VERIFICATION_CHANGED'] })
    .input(reviewDecision)
    .output(reviewOutcome)
    .mutation(({ ctx, input }) =>
      ctx.services.adminActions.reviewVerification({ adminId: ctx.user.id }, input),
    ),
});
