import { z } from 'zod';
import * as fields from '../../fields.js';
import { reviewState } from '../../review-states.js';
import { fileRef, fileRefs } from '../uploads/uploads.schemas.js';
import { profile } from '../user/user.schemas.js';
import { idNumberAsSent } from './id-number.js';

const verificationKinds = ['person', 'company', 'individualBusiness'] as const;
const verificationKind = z.enum(verificationKinds);
export type VerificationKind = (typeof verificationKinds)[number];

/** Money in integer fen: never negative, far below 2^53. */
const fen = z.number().int().min(0).max(1e13);

const review = {
  userId: z.number().int(),
  status: reviewState,
  /** Why an admin rejected it; empty otherwise. The owner reads it. */
  rejectReason: z.string(),
  submittedAt: z.date(),
  reviewedAt: z.date().nullable(),
};

/** Identity (ID card) plus the work profile a person offers; file fields are upload URLs. */
export const personVerification = z.object({
  ...review,
  name: z.string(),
  idNumber: z.string(),
  idCardFront: z.array(z.string()),
  idCardBack: z.array(z.string()),
  job: z.string(),
  jobName: z.string(),
  workTimeType: z.string(),
  workPeriod: z.array(z.date()),
  weeklyHours: z.string(),
  workArea: z.string(),
  workAddress: z.string(),
  dailyRateFen: z.number().int().nullable(),
  intro: z.string(),
  attachmentOne: z.array(z.string()),
  attachmentTwo: z.array(z.string()),
});
export type PersonVerification = z.infer<typeof personVerification>;

export const companyVerification = z.object({
  ...review,
  name: z.string(),
  industry: z.string(),
  license: z.array(z.string()),
  province: z.string(),
  city: z.string(),
  address: z.string(),
  yearsInBusiness: z.string(),
  legalRepName: z.string(),
  legalRepIdFront: z.array(z.string()),
  legalRepIdBack: z.array(z.string()),
});
export type CompanyVerification = z.infer<typeof companyVerification>;

export const accountingMethods = ['independent', 'nonIndependent'] as const;

/** A partner as submitted; its ID number is checked by the service (see idNumberAsSent). */
export const partner = z.object({ name: fields.text(50).min(1), idNumber: idNumberAsSent });
export type Partner = z.infer<typeof partner>;

/** 个体工商户: an individual business, with its partners. */
export const individualBusinessVerification = z.object({
  ...review,
  name: z.string(),
  domicile: z.string(),
  businessPlace: z.string(),
  postcode: z.string(),
  phone: z.string(),
  registeredCapitalFen: z.number().int().nullable(),
  companyType: z.string(),
  accounting: z.enum(accountingMethods).nullable(),
  employees: z.number().int().nullable(),
  industry: z.string(),
  businessScope: z.string(),
  legalRepName: z.string(),
  legalRepIdNumber: z.string(),
  partners: z.array(z.object({ name: z.string(), idNumber: z.string() })),
});
export type IndividualBusinessVerification = z.infer<typeof individualBusinessVerification>;

/*
 * Submissions update what they name: an absent field keeps its value, an empty one clears it, and
 * every submission goes back to review (a person's only when its identity changes: CONTRACT.md §5
 * `/user/info/person`). The fields a reviewer cannot do without are required of the
 * record as it stands after the submission, not of each submission.
 */

/** What the docs say of a submission, with the fields its record cannot do without. */
const submissionRule = (required: string) =>
  'Updates the record with the fields it names: an absent field keeps its stored value, an empty one ' +
  `clears it. ${required} must be filled in the record as the submission leaves it (so in a first ` +
  'submission); every one missing is named in the refusal’s `issues`.';

export const personSubmission = z
  .object({
    name: fields.text(50).min(1).optional(),
    idNumber: idNumberAsSent.optional(),
    idCardFront: fileRefs.optional(),
    idCardBack: fileRefs.optional(),
    job: fields.text(100).optional(),
    jobName: fields.text(100).optional(),
    workTimeType: fields.text(100).optional(),
    /** From and to (not before from); one date when only the start is known. */
    workPeriod: z.array(fields.calendarDate).max(2).optional(),
    weeklyHours: fields.text(100).optional(),
    workArea: fields.text(500).optional(),
    workAddress: fields.text(500).optional(),
    dailyRateFen: fen.nullable().optional(),
    intro: fields.multilineText(5000).optional(),
    attachmentOne: fileRefs.optional(),
    attachmentTwo: fileRefs.optional(),
  })
  .describe(submissionRule('`name` and `idNumber`'));
export type PersonSubmission = z.infer<typeof personSubmission>;

export const companySubmission = z
  .object({
    name: fields.text(100).min(1).optional(),
    industry: fields.text(100).optional(),
    license: fileRefs.optional(),
    province: fields.text(50).optional(),
    city: fields.text(50).optional(),
    address: fields.text(500).optional(),
    yearsInBusiness: fields.text(50).optional(),
    legalRepName: fields.text(50).optional(),
    legalRepIdFront: fileRefs.optional(),
    legalRepIdBack: fileRefs.optional(),
  })
  .describe(submissionRule('`name`'));
export type CompanySubmission = z.infer<typeof companySubmission>;

export const individualBusinessSubmission = z
  .object({
    name: fields.text(100).min(1).optional(),
    domicile: fields.text(500).optional(),
    businessPlace: fields.text(500).optional(),
    postcode: fields.text(20).optional(),
    phone: fields.text(30).optional(),
    registeredCapitalFen: fen.nullable().optional(),
    companyType: fields.text(100).optional(),
    accounting: z.enum(accountingMethods).nullable().optional(),
    employees: z.number().int().min(0).max(10_000_000).nullable().optional(),
    industry: fields.text(100).optional(),
    businessScope: fields.multilineText(5000).optional(),
    legalRepName: fields.text(50).optional(),
    legalRepIdNumber: idNumberAsSent.optional(),
    /** Replaces the whole list when given. */
    partners: z.array(partner).max(50).optional(),
  })
  .describe(submissionRule('`name`'));
export type IndividualBusinessSubmission = z.infer<typeof individualBusinessSubmission>;

export const myVerifications = z.object({
  person: personVerification.nullable(),
  company: companyVerification.nullable(),
  individualBusiness: individualBusinessVerification.nullable(),
});
export type MyVerifications = z.infer<typeof myVerifications>;

/** Everything the account page shows its owner. */
export const accountOverview = myVerifications.extend({
  profile,
  /** The wallet; 0 until payments exist. */
  balanceFen: z.number().int(),
});
export type AccountOverview = z.infer<typeof accountOverview>;

export const profileUpdate = z.object({
  /** Trimmed first, as the address and every text field are: a pasted address keeps no space. */
  email: z
    .string()
    .trim()
    .pipe(z.union([z.email().max(254), z.literal('')]))
    .optional(),
  /** An upload for the avatar; null removes it. */
  face: fileRef.nullable().optional(),
  address: fields.text(500).optional(),
});
export type ProfileUpdate = z.infer<typeof profileUpdate>;

export const pendingVerification = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('person'), phone: z.string(), verification: personVerification }),
  z.object({ kind: z.literal('company'), phone: z.string(), verification: companyVerification }),
  z.object({
    kind: z.literal('individualBusiness'),
    phone: z.string(),
    verification: individualBusinessVerification,
  }),
]);
export type PendingVerification = z.infer<typeof pendingVerification>;

export const pendingQuery = z.object({ kind: verificationKind.optional(), ...fields.pageRequest });

export const reviewDecision = z.object({
  userId: fields.id,
  kind: verificationKind,
  decision: z.enum(['approve', 'reject']),
  /** Shown to the user with a rejection. */
  reason: fields.text(500).optional(),
  /**
   * The submission the reviewer read (its `submittedAt`). When the user has changed the record since,
   * the decision is refused (VERIFICATION_CHANGED) instead of applied to documents nobody read.
   */
  submittedAt: z.date().optional(),
});
export type ReviewDecision = z.infer<typeof reviewDecision>;

export const reviewOutcome = z.object({
  userId: z.number().int(),
  kind: verificationKind,
  status: reviewState,
  /** Whether the user now counts as verified (any approved verification, and no person record pending). */
  userVerified: z.boolean(),
});
export type ReviewOutcome = z.infer<typeof reviewOutcome>;
