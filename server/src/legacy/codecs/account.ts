import type {
  AccountOverview,
  CompanyVerification,
  IndividualBusinessVerification,
  PersonVerification,
  ReviewStatus,
} from '../../features/account/account.schemas.js';
import type { FileRef } from '../../features/uploads/uploads.schemas.js';
import { formatLegacyDate, parseLegacyDate } from './dates.js';
import { byLabel } from './labels.js';
import { encodeUser } from './user.js';
import { enumCode, fenToYuan, integer, joinedText, type LegacyFields, text, yuanToFen } from './values.js';

/*
 * Verification records between their legacy shapes (CONTRACT.md §4–5) and the typed API. Absent
 * fields stay undefined (the record keeps its value); an empty one clears it.
 */

/** Clients know two labels; a rejection shows as unreviewed, with its `reason` beside it. */
export const stateLabels: Record<ReviewStatus, string> = {
  pending: '未审核',
  approved: '通过',
  rejected: '未审核',
};
export const accountingLabels = { independent: '独立核算', nonIndependent: '非独立核算' } as const;

const isAbsent = (value: unknown) => value === undefined || value === null;

/** A file field: upload ids or URLs, comma-joined or as an array; `""` clears it. */
export function fileRefList(value: unknown): FileRef[] {
  if (isAbsent(value)) return undefined as unknown as FileRef[];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  return items
    .map((item) => (typeof item === 'string' ? item.trim() : item))
    .filter((item) => item !== '')
    .map((item) => (typeof item === 'string' && /^\d{1,10}$/.test(item) ? Number(item) : item)) as FileRef[];
}

/** A single-file field (the avatar): one id or URL; `""` removes it. */
export function singleFileRef(value: unknown): FileRef | null {
  if (value === '') return null;
  const refs = fileRefList(value);
  if (refs === undefined) return undefined as unknown as FileRef;
  return (refs.length === 1 ? refs[0] : value) as FileRef;
}

/** An ID number; a form's empty box means "not given", not "clear". */
const idNumberField = (value: unknown): string =>
  value === '' ? (undefined as unknown as string) : text(value);

/** `jtime`: its parts (from, to) as an array or comma-joined, each in any legacy time format. */
function dateParts(value: unknown, timeZone: string): Date[] {
  if (isAbsent(value)) return undefined as unknown as Date[];
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  return parts.filter((part) => part !== '').map((part) => parseLegacyDate(part, timeZone));
}

/** `hesuan`: 0 independent, 1 non-independent accounting, or the label a person typed; `""` clears. */
function accounting(value: unknown) {
  if (value === '') return null;
  return enumCode(value, { 0: 'independent', 1: 'nonIndependent' } as const, byLabel(accountingLabels));
}

/** Registered capital arrives in 万元 (ten-thousand yuan); stored as fen like all money. */
function wanYuanToFen(value: unknown): number {
  const fen = yuanToFen(value);
  return typeof fen === 'number' && Number.isInteger(fen) ? fen * 10_000 : fen;
}

/**
 * `hehuo[]`: partners as a JSON array, a JSON string of one (multipart forms), or bracket form
 * fields (`hehuo[0][hehuoren_name]=...`, which qs makes an array, or an object past its index limit).
 */
function partners(value: unknown) {
  if (isAbsent(value)) return undefined;
  if (value === '') return [];
  let list = value;
  if (typeof list === 'string' && list.trim().startsWith('[')) {
    try {
      list = JSON.parse(list);
    } catch {
      return value as never;
    }
  }
  if (list && typeof list === 'object' && !Array.isArray(list)) {
    list = Object.entries(list)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, partner]) => partner);
  }
  if (!Array.isArray(list)) return value as never;
  return list.map((partner) =>
    partner && typeof partner === 'object'
      ? {
          name: text((partner as LegacyFields).hehuoren_name),
          idNumber: text((partner as LegacyFields).hehuoren_code),
        }
      : partner,
  );
}

export const decodePerson = (f: LegacyFields, timeZone: string) => ({
  name: text(f.name),
  idNumber: idNumberField(f.code),
  idCardFront: fileRefList(f.pic),
  idCardBack: fileRefList(f.picf),
  job: joinedText(f.job),
  jobName: joinedText(f.jobname),
  workTimeType: text(f.jtype),
  workPeriod: dateParts(f.jtime, timeZone),
  weeklyHours: text(f.timelong),
  workArea: joinedText(f.jobarea),
  workAddress: joinedText(f.jobaddress),
  dailyRateFen: yuanToFen(f.money),
  intro: text(f.des),
  attachmentOne: fileRefList(f.fileone),
  attachmentTwo: fileRefList(f.filetow),
});

export const decodeCompany = (f: LegacyFields) => ({
  name: text(f.name),
  industry: joinedText(f.type),
  license: fileRefList(f.pic),
  province: text(f.pro),
  city: text(f.city),
  address: joinedText(f.address ?? f.addressdtail),
  yearsInBusiness: text(f.year),
  legalRepName: text(f.faren_name),
  legalRepIdFront: fileRefList(f.faren_z),
  legalRepIdBack: fileRefList(f.faren_f),
});

export const decodeIndividualBusiness = (f: LegacyFields) => ({
  name: text(f.name),
  domicile: joinedText(f.zhusuo),
  businessPlace: joinedText(f.jingying),
  postcode: text(f.youbian),
  phone: text(f.shouji),
  registeredCapitalFen: wanYuanToFen(f.zhiben),
  companyType: text(f.leixing),
  accounting: isAbsent(f.hesuan) ? undefined : accounting(f.hesuan),
  employees: integer(f.renshu),
  industry: joinedText(f.hangye),
  businessScope: text(f.fanwen ?? f.fangwen),
  legalRepName: text(f.faren_name),
  legalRepIdNumber: idNumberField(f.faren_code),
  partners: partners(f.hehuo),
});

const review = (
  r: { userId: number; status: ReviewStatus; rejectReason: string; submittedAt: Date },
  tz: string,
) => ({
  uid: r.userId,
  state: stateLabels[r.status],
  reason: r.rejectReason,
  time: formatLegacyDate(r.submittedAt, tz),
});

export const encodePerson = (p: PersonVerification, tz: string) => ({
  ...review(p, tz),
  name: p.name,
  code: p.idNumber,
  pic: p.idCardFront.join(','),
  picf: p.idCardBack.join(','),
  job: p.job,
  jobname: p.jobName,
  jtype: p.workTimeType,
  jtime: p.workPeriod.map((date) => formatLegacyDate(date, tz)).join(','),
  timelong: p.weeklyHours,
  jobarea: p.workArea,
  jobaddress: p.workAddress,
  money: fenToYuan(p.dailyRateFen ?? 0),
  des: p.intro,
  fileone: p.attachmentOne.join(','),
  filetow: p.attachmentTwo.join(','),
});

export const encodeCompany = (c: CompanyVerification, tz: string) => ({
  ...review(c, tz),
  name: c.name,
  type: c.industry,
  pic: c.license.join(','),
  pro: c.province,
  city: c.city,
  address: c.address,
  addressdtail: c.address,
  year: c.yearsInBusiness,
  faren_name: c.legalRepName,
  faren_z: c.legalRepIdFront.join(','),
  faren_f: c.legalRepIdBack.join(','),
});

export const encodeIndividualBusiness = (b: IndividualBusinessVerification, tz: string) => ({
  ...review(b, tz),
  name: b.name,
  zhusuo: b.domicile,
  jingying: b.businessPlace,
  youbian: b.postcode,
  shouji: b.phone,
  // 万元, like the field came in.
  zhiben: (b.registeredCapitalFen ?? 0) / 1_000_000,
  leixing: b.companyType,
  hesuan: b.accounting === null ? '' : accountingLabels[b.accounting],
  renshu: b.employees ?? 0,
  hangye: b.industry,
  fanwen: b.businessScope,
  fangwen: b.businessScope,
  faren_name: b.legalRepName,
  faren_code: b.legalRepIdNumber,
  hehuo: b.partners.map((p) => ({ hehuoren_name: p.name, hehuoren_code: p.idNumber })),
});

/** `/user/info/info`: the user, the wallet, and the three records (person fields also flattened in). */
export function encodeAccount(account: AccountOverview, token: string | undefined, tz: string) {
  const person = account.person;
  return {
    ...encodeUser(account.profile, token),
    balance: fenToYuan(account.balanceFen),
    name: person?.name ?? '',
    code: person?.idNumber ?? '',
    pic: person?.idCardFront.join(',') ?? '',
    picf: person?.idCardBack.join(',') ?? '',
    person: person ? encodePerson(person, tz) : null,
    company: account.company ? encodeCompany(account.company, tz) : null,
    geti: account.individualBusiness ? encodeIndividualBusiness(account.individualBusiness, tz) : null,
  };
}
