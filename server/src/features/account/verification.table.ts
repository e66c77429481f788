import type { Generated } from 'kysely';

/**
 * The verification tables (one record per user and kind), written only by the account feature.
 * Review columns every one of them shares.
 */
export interface VerificationReviewColumns {
  user_id: number;
  /** reviewCodes (review-states.ts, shared with demands) */
  state: number;
  reject_reason: string;
  submitted_at: number;
  reviewed_at: number | null;
  created_at: number;
}

/** File fields hold the comma-joined upload URLs (CONTRACT.md §4); money is integer fen. */
export interface PersonVerificationsTable extends VerificationReviewColumns {
  name: string;
  id_number: string;
  id_front: string;
  id_back: string;
  job: string;
  job_name: string;
  work_time_type: string;
  work_period_from: number | null;
  work_period_to: number | null;
  weekly_hours: string;
  work_area: string;
  work_address: string;
  daily_rate_fen: number | null;
  intro: string;
  attachment_one: string;
  attachment_two: string;
}

export interface CompanyVerificationsTable extends VerificationReviewColumns {
  name: string;
  industry: string;
  license: string;
  province: string;
  city: string;
  address: string;
  years_in_business: string;
  legal_rep_name: string;
  legal_rep_id_front: string;
  legal_rep_id_back: string;
}

export interface IndividualBusinessVerificationsTable extends VerificationReviewColumns {
  name: string;
  domicile: string;
  business_place: string;
  postcode: string;
  phone: string;
  registered_capital_fen: number | null;
  company_type: string;
  /** 0 independent, 1 non-independent accounting. */
  accounting: number | null;
  employees: number | null;
  industry: string;
  business_scope: string;
  legal_rep_name: string;
  legal_rep_id_number: string;
}

export interface IndividualBusinessPartnersTable {
  id: Generated<number>;
  user_id: number;
  position: number;
  name: string;
  id_number: string;
}
