import { changedLabels } from './changedFields.js';
import type { VerificationRecord } from './verificationRecord.js';

type Fields<R> = R extends { verification: infer V } ? keyof V : never;

/** What a user can change of each kind of record, as the card names it (职业 covers two fields). */
const fieldLabels: {
  readonly [K in VerificationRecord['kind']]: ReadonlyArray<
    readonly [Fields<Extract<VerificationRecord, { kind: K }>>, string]
  >;
} = {
  person: [
    ['name', '姓名'],
    ['idNumber', '身份证号'],
    ['idCardFront', '身份证正面'],
    ['idCardBack', '身份证反面'],
    ['job', '职业'],
    ['jobName', '职业'],
    ['dailyRateFen', '日薪'],
    ['workTimeType', '工作时间'],
    ['workPeriod', '工作时间'],
    ['weeklyHours', '每周工时'],
    ['workArea', '工作地区'],
    ['workAddress', '工作地址'],
    ['intro', '简介'],
    ['attachmentOne', '附件'],
    ['attachmentTwo', '附件'],
  ],
  company: [
    ['name', '企业名称'],
    ['industry', '行业'],
    ['province', '地址'],
    ['city', '地址'],
    ['address', '地址'],
    ['yearsInBusiness', '成立年限'],
    ['legalRepName', '法人'],
    ['license', '营业执照'],
    ['legalRepIdFront', '法人身份证正面'],
    ['legalRepIdBack', '法人身份证反面'],
  ],
  individualBusiness: [
    ['name', '名称'],
    ['companyType', '类型'],
    ['domicile', '住所'],
    ['businessPlace', '经营场所'],
    ['phone', '电话'],
    ['postcode', '邮编'],
    ['registeredCapitalFen', '注册资本'],
    ['employees', '从业人数'],
    ['accounting', '核算方式'],
    ['industry', '行业'],
    ['businessScope', '经营范围'],
    ['legalRepName', '经营者'],
    ['legalRepIdNumber', '经营者'],
    ['partners', '合伙人'],
  ],
};

/** The labels of the fields that differ between two versions of one record, each once. */
export function changedVerificationFields(before: VerificationRecord, after: VerificationRecord): string[] {
  if (before.kind !== after.kind) return [];
  return changedLabels(
    fieldLabels[after.kind] as ReadonlyArray<readonly [string, string]>,
    before.verification as Record<string, unknown>,
    after.verification as Record<string, unknown>,
  );
}
