import type {
  AccountOverview,
  CompanyVerification,
  IndividualBusinessVerification,
  PersonVerification,
} from '../../features/account/account.schemas.js';
import type { ReviewState } from '../../review-states.js';
import { accounting, verificationState } from '../enums.js';
import { clearable, enumKind, kinds, type LegacyFields, objectsKind } from '../fields.js';
import { exampleUploadUrl } from './common.js';
import { formatLegacyDate } from './dates.js';
import { fenToYuan } from './money.js';
import { encodeUser } from './user.js';

/*
 * Verification records between their legacy shapes (CONTRACT.md §4–5) and the typed API. Absent
 * fields stay absent (the record keeps its value); an empty one clears it.
 */

/** A valid mainland ID number for examples (checksum and birth date hold). */
export const exampleIdNumber = '11010519491231002X';

const text = (to: string, label: string, en: string, example: unknown) =>
  ({ to, label, kind: kinds.text, en, example }) as const;
const images = (to: string, label: string, en: string) =>
  ({ to, label, kind: kinds.fileRefs, en, example: exampleUploadUrl }) as const;

/** `/user/info/edit`. */
export const profileFields = {
  email: {
    to: 'email',
    label: '邮箱',
    kind: kinds.trimmed,
    en: 'An email address, or empty to clear it.',
    example: 'li.lei@example.com',
  },
  face: {
    to: 'face',
    label: '头像',
    kind: kinds.fileRef,
    en: 'The avatar: your upload.',
    example: exampleUploadUrl,
  },
  address: {
    to: 'address',
    label: '地址',
    kind: kinds.cascader,
    en: 'Address.',
    example: ['广东省', '深圳市'],
  },
} satisfies LegacyFields;

/** `/user/info/person`: identity (reviewed) and the work profile a person offers (not reviewed). */
export const personFields = {
  name: text('name', '身份证名字', 'Name on the ID card, 1–50 characters.', '李雷'),
  code: {
    to: 'idNumber',
    label: '身份证号码',
    kind: kinds.idNumber,
    en: '18-character mainland ID number.',
    example: exampleIdNumber,
  },
  pic: images('idCardFront', '身份证正面图片地址', 'ID card front: your upload.'),
  picf: images('idCardBack', '身份证反面图片地址', 'ID card back: your upload.'),
  job: {
    to: 'job',
    label: '职业状态1',
    kind: kinds.cascader,
    en: 'Occupation (first level).',
    example: 'IT互联网',
  },
  jobname: {
    to: 'jobName',
    label: '职业状态2',
    kind: kinds.cascader,
    en: 'Occupation (second level).',
    example: 'JAVA工程师',
  },
  jtype: text('workTimeType', '工作时间类型', 'Kind of working time.', '兼职'),
  jtime: {
    to: 'workPeriod',
    label: '工作时间',
    kind: kinds.dates,
    en: 'Available from and to.',
    example: '2026-12-01,2027-06-30',
  },
  timelong: text('weeklyHours', '每周工作时长', 'Hours a week.', '20'),
  jobarea: {
    to: 'workArea',
    label: '工作区域',
    kind: kinds.cascader,
    en: 'Area you work in.',
    example: ['广东省', '深圳市'],
  },
  jobaddress: {
    to: 'workAddress',
    label: '工作地点',
    kind: kinds.cascader,
    en: 'Where you work.',
    example: '南山区科技园',
  },
  money: {
    to: 'dailyRateFen',
    label: '日薪',
    kind: clearable(kinds.yuan),
    en: 'Daily rate in yuan.',
    example: '800',
  },
  des: text('intro', '个人介绍', 'About you, up to 5000 characters.', '五年前端开发经验'),
  fileone: images('attachmentOne', '附件一', 'Attachment one: your upload.'),
  filetow: images('attachmentTwo', '附件二', 'Attachment two: your upload.'),
} satisfies LegacyFields;

/** `/user/info/company`. */
export const companyFields = {
  name: text('name', '公司名称', 'Company name, 1–100 characters.', '深圳某科技有限公司'),
  type: {
    to: 'industry',
    label: '行业',
    kind: kinds.cascader,
    en: 'Industry.',
    example: '软件和信息技术服务业',
  },
  pic: images('license', '营业执照', 'Business licence: your upload.'),
  pro: text('province', '省', 'Province.', '广东省'),
  city: text('city', '市', 'City.', '深圳市'),
  address: {
    to: 'address',
    label: '常用地址',
    kind: kinds.cascader,
    en: 'Usual address; the deployed client sends it as `addressdtail`.',
    example: '南山区科技园',
    aliases: ['addressdtail'],
  },
  year: text('yearsInBusiness', '从业年限', 'Years in business.', '5'),
  faren_name: text('legalRepName', '法人名字', 'Legal representative.', '韩梅梅'),
  faren_z: images('legalRepIdFront', '法人身份证正', 'Legal representative’s ID card, front: your upload.'),
  faren_f: images('legalRepIdBack', '法人身份证反', 'Legal representative’s ID card, back: your upload.'),
} satisfies LegacyFields;

/** `/user/info/geti`: an individual business (个体工商户) and its partners. */
export const individualBusinessFields = {
  name: text('name', '名称', 'Business name, 1–100 characters.', '南山区李雷软件工作室'),
  zhusuo: {
    to: 'domicile',
    label: '企业住所',
    kind: kinds.cascader,
    en: 'Registered domicile.',
    example: ['广东省', '深圳市', '南山区'],
  },
  jingying: {
    to: 'businessPlace',
    label: '经营地',
    kind: kinds.cascader,
    en: 'Place of business.',
    example: '南山区科技园',
  },
  youbian: text('postcode', '邮编', 'Postcode.', '518057'),
  shouji: text('phone', '联系电话', 'Contact phone.', '13800138000'),
  zhiben: {
    to: 'registeredCapitalFen',
    label: '注册资本',
    kind: clearable(kinds.wanYuan),
    en: 'Registered capital in 万元 (ten thousand yuan).',
    example: '10',
  },
  leixing: text('companyType', '企业类型', 'Kind of business.', '个体工商户'),
  hesuan: {
    to: 'accounting',
    label: '核算方式',
    kind: enumKind(accounting, { clearable: true }),
    en: 'Accounting: 0 independent, 1 not independent; the label as typed is accepted too.',
    example: 0,
  },
  renshu: {
    to: 'employees',
    label: '从业人数',
    kind: clearable(kinds.integer),
    en: 'Employees.',
    example: 3,
  },
  hangye: { to: 'industry', label: '行业类型', kind: kinds.cascader, en: 'Industry.', example: '软件开发' },
  fanwen: {
    to: 'businessScope',
    label: '经营范围',
    kind: kinds.text,
    en: 'Business scope, up to 5000 characters; also accepted as `fangwen`.',
    example: '软件开发；技术服务',
    aliases: ['fangwen'],
  },
  faren_name: text('legalRepName', '法人名字', 'Legal representative.', '李雷'),
  faren_code: {
    to: 'legalRepIdNumber',
    label: '法人身份证号',
    kind: kinds.idNumber,
    en: 'Legal representative’s ID number.',
    example: exampleIdNumber,
  },
  hehuo: {
    to: 'partners',
    label: '合伙人',
    kind: objectsKind({
      hehuoren_name: text('name', '合伙人名字', 'Partner’s name.', '韩梅梅'),
      hehuoren_code: text('idNumber', '合伙人身份证号', 'Partner’s ID number.', exampleIdNumber),
    }),
    en: 'Partners; the list replaces the stored one.',
  },
} satisfies LegacyFields;

const review = (
  r: { userId: number; status: ReviewState; rejectReason: string; submittedAt: Date },
  tz: string,
) => ({
  uid: r.userId,
  state: verificationState.label(r.status),
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
  hesuan: b.accounting === null ? '' : accounting.label(b.accounting),
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

/** The enumerated outputs of the verification records, for the docs. */
export const verificationLabels = { state: verificationState.labels };
/** `hesuan` is empty while the business has not said how it accounts. */
export const individualBusinessLabels = { ...verificationLabels, hesuan: [...accounting.labels, ''] };
