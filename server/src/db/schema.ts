import type {
  CompanyVerificationsTable,
  IndividualBusinessPartnersTable,
  IndividualBusinessVerificationsTable,
  PersonVerificationsTable,
} from '../features/account/verification.table.js';
import type { AdminActionsTable } from '../features/admin/admin.table.js';
import type { ApplicationsTable } from '../features/applications/application.table.js';
import type { ImportedSessionsTable } from '../features/auth/auth.table.js';
import type {
  DemandCountBucketsTable,
  DemandCountsTable,
  DemandFilesTable,
  DemandsTable,
} from '../features/demands/demand.table.js';
import type {
  IdempotentAnswersTable,
  InvoiceRequestsTable,
  LedgerEntriesTable,
  RechargesTable,
  WalletsTable,
} from '../features/money/money.table.js';
import type {
  ResumeEducationTable,
  ResumeJobsTable,
  ResumeProjectsTable,
  ResumeSkillsTable,
} from '../features/resume/resume.table.js';
import type { LegacyFilesTable, UploadsTable } from '../features/uploads/uploads.table.js';
import type { UsersTable } from '../features/user/user.table.js';

/**
 * Every table as the database holds it (times are unix milliseconds, money is integer fen). Each
 * table belongs to one feature, which declares its row type and codes in `<name>.table.ts` and is
 * the only one to write it: other features call the owner's functions.
 */
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
  imported_sessions: ImportedSessionsTable;
  legacy_files: LegacyFilesTable;
  admin_actions: AdminActionsTable;
}
