import type { Selectable } from 'kysely';
import { reviewCodes, reviewStateOfCode } from '../../review-states.js';
import {
  accountingMethods,
  type CompanyVerification,
  type IndividualBusinessVerification,
  type PersonVerification,
} from './account.schemas.js';
import type {
  CompanyVerificationsTable,
  IndividualBusinessPartnersTable,
  IndividualBusinessVerificationsTable,
  PersonVerificationsTable,
  VerificationReviewColumns,
} from './verification.table.js';

/** Between stored rows and typed records: states are codes, file lists comma-joined URLs (CONTRACT.md §4). */

const joinUrls = (urls: readonly string[]) => urls.join(',');
const splitUrls = (stored: string) => (stored === '' ? [] : stored.split(','));
const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
const numberOrNull = (value: number | null) => (value === null ? null : Number(value));
/*
 * The identity reads as submissions store it (names trimmed, ID numbers with an uppercase X):
 * records imported from the old backend may hold `张三 ` or a lowercase x, and the form that sends
 * them back unchanged must not count as a change of the identity, which would undo its review.
 */
const idNumberOf = (stored: string) => stored.toUpperCase();
const personNameOf = (stored: string) => stored.trim();

/** Review columns of a fresh submission: back to pending, the last rejection forgotten. */
export const pendingReview = (now: number) => ({
  state: reviewCodes.pending,
  reject_reason: '',
  submitted_at: now,
  reviewed_at: null,
});

function reviewOf(row: Selectable<VerificationReviewColumns>) {
  return {
    userId: row.user_id,
    status: reviewStateOfCode(row.state),
    rejectReason: row.reject_reason,
    submittedAt: new Date(Number(row.submitted_at)),
    reviewedAt: dateOrNull(row.reviewed_at),
  };
}

type Fields<T> = Omit<T, 'userId' | 'status' | 'rejectReason' | 'submittedAt' | 'reviewedAt'>;
export type PersonFields = Fields<PersonVerification>;
export type CompanyFields = Fields<CompanyVerification>;
export type IndividualBusinessFields = Fields<IndividualBusinessVerification>;

export function personOfRow(row: Selectable<PersonVerificationsTable>): PersonVerification {
  const period = [row.work_period_from, row.work_period_to].filter((ms): ms is number => ms !== null);
  return {
    ...reviewOf(row),
    name: personNameOf(row.name),
    idNumber: idNumberOf(row.id_number),
    idCardFront: splitUrls(row.id_front),
    idCardBack: splitUrls(row.id_back),
    job: row.job,
    jobName: row.job_name,
    workTimeType: row.work_time_type,
    workPeriod: period.map((ms) => new Date(Number(ms))),
    weeklyHours: row.weekly_hours,
    workArea: row.work_area,
    workAddress: row.work_address,
    dailyRateFen: numberOrNull(row.daily_rate_fen),
    intro: row.intro,
    attachmentOne: splitUrls(row.attachment_one),
    attachmentTwo: splitUrls(row.attachment_two),
  };
}

export function personColumns(p: PersonFields) {
  return {
    name: p.name,
    id_number: p.idNumber,
    id_front: joinUrls(p.idCardFront),
    id_back: joinUrls(p.idCardBack),
    job: p.job,
    job_name: p.jobName,
    work_time_type: p.workTimeType,
    work_period_from: p.workPeriod[0]?.getTime() ?? null,
    work_period_to: p.workPeriod[1]?.getTime() ?? null,
    weekly_hours: p.weeklyHours,
    work_area: p.workArea,
    work_address: p.workAddress,
    daily_rate_fen: p.dailyRateFen,
    intro: p.intro,
    attachment_one: joinUrls(p.attachmentOne),
    attachment_two: joinUrls(p.attachmentTwo),
  };
}

export function companyOfRow(row: Selectable<CompanyVerificationsTable>): CompanyVerification {
  return {
    ...reviewOf(row),
    name: row.name,
    industry: row.industry,
    license: splitUrls(row.license),
    province: row.province,
    city: row.city,
    address: row.address,
    yearsInBusiness: row.years_in_business,
    legalRepName: row.legal_rep_name,
    legalRepIdFront: splitUrls(row.legal_rep_id_front),
    legalRepIdBack: splitUrls(row.legal_rep_id_back),
  };
}

export function companyColumns(c: CompanyFields) {
  return {
    name: c.name,
    industry: c.industry,
    license: joinUrls(c.license),
    province: c.province,
    city: c.city,
    address: c.address,
    years_in_business: c.yearsInBusiness,
    legal_rep_name: c.legalRepName,
    legal_rep_id_front: joinUrls(c.legalRepIdFront),
    legal_rep_id_back: joinUrls(c.legalRepIdBack),
  };
}

export function individualBusinessOfRow(
  row: Selectable<IndividualBusinessVerificationsTable>,
  partners: readonly Selectable<IndividualBusinessPartnersTable>[],
): IndividualBusinessVerification {
  return {
    ...reviewOf(row),
    name: row.name,
    domicile: row.domicile,
    businessPlace: row.business_place,
    postcode: row.postcode,
    phone: row.phone,
    registeredCapitalFen: numberOrNull(row.registered_capital_fen),
    companyType: row.company_type,
    accounting: row.accounting === null ? null : (accountingMethods[row.accounting] ?? null),
    employees: numberOrNull(row.employees),
    industry: row.industry,
    businessScope: row.business_scope,
    legalRepName: row.legal_rep_name,
    legalRepIdNumber: idNumberOf(row.legal_rep_id_number),
    partners: [...partners]
      .sort((a, b) => a.position - b.position)
      .map((p) => ({ name: p.name, idNumber: idNumberOf(p.id_number) })),
  };
}

export function individualBusinessColumns(b: IndividualBusinessFields) {
  return {
    name: b.name,
    domicile: b.domicile,
    business_place: b.businessPlace,
    postcode: b.postcode,
    phone: b.phone,
    registered_capital_fen: b.registeredCapitalFen,
    company_type: b.companyType,
    accounting: b.accounting === null ? null : accountingMethods.indexOf(b.accounting),
    employees: b.employees,
    industry: b.industry,
    business_scope: b.businessScope,
    legal_rep_name: b.legalRepName,
    legal_rep_id_number: b.legalRepIdNumber,
  };
}

export const emptyPerson: PersonFields = {
  name: '',
  idNumber: '',
  idCardFront: [],
  idCardBack: [],
  job: '',
  jobName: '',
  workTimeType: '',
  workPeriod: [],
  weeklyHours: '',
  workArea: '',
  workAddress: '',
  dailyRateFen: null,
  intro: '',
  attachmentOne: [],
  attachmentTwo: [],
};

export const emptyCompany: CompanyFields = {
  name: '',
  industry: '',
  license: [],
  province: '',
  city: '',
  address: '',
  yearsInBusiness: '',
  legalRepName: '',
  legalRepIdFront: [],
  legalRepIdBack: [],
};

export const emptyIndividualBusiness: IndividualBusinessFields = {
  name: '',
  domicile: '',
  businessPlace: '',
  postcode: '',
  phone: '',
  registeredCapitalFen: null,
  companyType: '',
  accounting: null,
  employees: null,
  industry: '',
  businessScope: '',
  legalRepName: '',
  legalRepIdNumber: '',
  partners: [],
};
