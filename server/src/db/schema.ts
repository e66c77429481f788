import type { Generated } from 'kysely';

/** Row types as the database holds them. Times are unix milliseconds, money is integer fen. */
export interface UsersTable {
  id: Generated<number>;
  phone: string;
  password_hash: string | null;
  usertype: number;
  userstate: number;
  is_admin: number;
  email: string;
  face: string;
  address: string;
  created_at: number;
  updated_at: number;
}

/** Resume lists (CONTRACT.md §5 `user_person_*`): each row belongs to one user; begin/end are unix ms. */
export interface ResumeProjectsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  type: string;
  link: string;
  key_features: string;
  description: string;
  responsibilities: string;
  created_at: number;
  updated_at: number;
}

export interface ResumeSkillsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  score: number;
  created_at: number;
  updated_at: number;
}

export interface ResumeJobsTable {
  id: Generated<number>;
  user_id: number;
  begin_at: number;
  end_at: number;
  company: string;
  title: string;
  description: string;
  created_at: number;
  updated_at: number;
}

export interface ResumeEducationTable {
  id: Generated<number>;
  user_id: number;
  begin_at: number;
  end_at: number;
  school: string;
  major: string;
  degree: string;
  description: string;
  created_at: number;
  updated_at: number;
}

/** Uploaded files: the bytes live in storage under `storage_key`; the original name is metadata only. */
export interface UploadsTable {
  id: Generated<number>;
  /** null for anonymous uploads. */
  user_id: number | null;
  storage_key: string;
  original_name: string;
  mime: string;
  size: number;
  created_at: number;
}

/** Review columns every verification table shares. state: 0 pending, 1 approved, 2 rejected. */
export interface VerificationReviewColumns {
  user_id: number;
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

/**
 * Demands per review state and kind. Written only by the triggers on `demands` (migration
 * 20261201000000), so it is exact in every transaction; the code only reads it
 * (features/demands/demand-counts.ts).
 */
export interface DemandCountsTable {
  review_state: number;
  kind: number;
  n: number;
}

/** The same counts per block of 1024 demand ids (`bucket` = id div 1024), kept by the same triggers. */
export interface DemandCountBucketsTable {
  review_state: number;
  kind: number;
  bucket: number;
  n: number;
}

/** A demand (需求, legacy `goods`). review_state: 0 pending, 1 approved, 2 rejected. Money in fen. */
export interface DemandsTable {
  id: Generated<number>;
  owner_id: number;
  order_no: string;
  title: string;
  /** 1 part-time, 2 full-time, 3 other */
  kind: number;
  price_fen: number;
  /** 1 monthly, 2 daily, 3 other */
  settlement: number;
  address: string;
  work_start: number;
  work_end: number;
  category: string;
  description: string;
  review_state: number;
  review_reason: string;
  paid: number;
  settled: number;
  /** What is left in escrow after payouts; back to the owner on settlement. */
  escrow_fen: Generated<number>;
  created_at: number;
  updated_at: number;
  /** The title's characters and pairs as search tokens (features/demands/title-search.ts). */
  title_grams: Generated<string>;
}

export interface DemandFilesTable {
  id: Generated<number>;
  demand_id: number;
  url: string;
  created_at: number;
}

/** An application to a demand (legacy `goods_order`). File fields hold comma-joined upload URLs. */
export interface ApplicationsTable {
  id: Generated<number>;
  demand_id: number;
  applicant_id: number;
  message: string;
  files: string;
  selected: number;
  delivered: number;
  delivery_preview: string;
  delivery_source: string;
  paid: number;
  /** The selected application's share of the demand's price (legacy `goods_order.price`). */
  allocated_fen: Generated<number>;
  paid_fen: number;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WalletsTable {
  user_id: number;
  balance_fen: number;
  updated_at: number;
}

/**
 * The immutable ledger (triggers refuse UPDATE and DELETE). Accounts are `wallet:<user id>`,
 * `escrow:<demand id>` and `outside` (where recharges come from).
 */
export interface LedgerEntriesTable {
  id: Generated<number>;
  kind: 'recharge' | 'escrow' | 'payout' | 'refund' | 'adjustment';
  amount_fen: number;
  from_account: string;
  to_account: string;
  user_id: number | null;
  demand_id: number | null;
  application_id: number | null;
  recharge_id: number | null;
  idempotency_key: string | null;
  note: string;
  created_at: number;
}

/** What an idempotent call answered, under its (scoped) key; see MoneyService. */
export interface IdempotentAnswersTable {
  idempotency_key: string;
  /** The answer as JSON. */
  answer: string;
  created_at: number;
}

/** Recharge records (legacy `invest_log`). `invoiced` is set once an invoice is requested. */
export interface RechargesTable {
  id: Generated<number>;
  user_id: number;
  amount_fen: number;
  note: string;
  invoiced: number;
  created_at: number;
}

/** Invoice requests (legacy `bill_log`): one per recharge. */
export interface InvoiceRequestsTable {
  id: Generated<number>;
  user_id: number;
  recharge_id: number;
  amount_fen: number;
  requested_at: number;
  issued: number;
  issued_at: number | null;
}

export interface DatabaseSchema {
  users: UsersTable;
  resume_projects: ResumeProjectsTable;
  resume_skills: ResumeSkillsTable;
  resume_jobs: ResumeJobsTable;
  resume_education: ResumeEducationTable;
  uploads: UploadsTable;
  person_verifications: PersonVerificationsTable;
  company_verifications: CompanyVerificationsTable;
  individual_business_verifications: IndividualBusinessVerificationsTable;
  individual_business_partners: IndividualBusinessPartnersTable;
  demands: DemandsTable;
  demand_counts: DemandCountsTable;
  demand_count_buckets: DemandCountBucketsTable;
  demand_files: DemandFilesTable;
  applications: ApplicationsTable;
  wallets: WalletsTable;
  ledger_entries: LedgerEntriesTable;
  recharges: RechargesTable;
  invoice_requests: InvoiceRequestsTable;
  idempotent_answers: IdempotentAnswersTable;
}
