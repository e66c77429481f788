import {
  decodeCompany,
  decodeIndividualBusiness,
  decodePerson,
  encodeAccount,
  encodeCompany,
  encodeIndividualBusiness,
  encodePerson,
  singleFileRef,
} from '../codecs/account.js';
import { joinedText, text } from '../codecs/values.js';
import { legacyRoute, noData } from '../route.js';

const personLabels = {
  name: '身份证名字',
  idNumber: '身份证号码',
  idCardFront: '身份证正面图片地址',
  idCardBack: '身份证反面图片地址',
  job: '职业状态1',
  jobName: '职业状态2',
  workTimeType: '工作时间类型',
  workPeriod: '工作时间',
  weeklyHours: '每周工作时长',
  workArea: '工作区域',
  workAddress: '工作地点',
  dailyRateFen: '日薪',
  intro: '个人介绍',
  attachmentOne: '附件一',
  attachmentTwo: '附件二',
};

const companyLabels = {
  name: '公司名称',
  industry: '行业',
  license: '营业执照',
  province: '省',
  city: '市',
  address: '常用地址',
  yearsInBusiness: '从业年限',
  legalRepName: '法人名字',
  legalRepIdFront: '法人身份证正',
  legalRepIdBack: '法人身份证反',
};

const individualBusinessLabels = {
  name: '名称',
  domicile: '企业住所',
  businessPlace: '经营地',
  postcode: '邮编',
  phone: '联系电话',
  registeredCapitalFen: '注册资本',
  companyType: '企业类型',
  accounting: '核算方式',
  employees: '从业人数',
  industry: '行业类型',
  businessScope: '经营范围',
  legalRepName: '法人名字',
  legalRepIdNumber: '法人身份证号',
  partners: '合伙人',
  idNumber: '合伙人身份证号',
};

/** `/user/info/*`: the account page, profile edits and the three verifications (CONTRACT.md §5). */
export const accountRoutes = [
  legacyRoute({
    path: '/user/info/info',
    labels: {},
    decode: () => undefined,
    call: (api) => api.account.overview(),
    encode: (account, { credentials, timeZone }) => encodeAccount(account, credentials.token, timeZone),
  }),
  legacyRoute({
    path: '/user/info/edit',
    labels: { email: '邮箱', face: '头像', address: '地址' },
    decode: (f) => ({ email: text(f.email), face: singleFileRef(f.face), address: joinedText(f.address) }),
    call: (api, input) => api.account.updateProfile(input),
    encode: noData,
  }),
  legacyRoute({
    path: '/user/info/person',
    labels: personLabels,
    decode: (f, { timeZone }) => decodePerson(f, timeZone),
    call: (api, input) => api.account.submitPersonVerification(input),
    encode: (person, { timeZone }) => encodePerson(person, timeZone),
  }),
  legacyRoute({
    path: '/user/info/company',
    labels: companyLabels,
    decode: (f) => decodeCompany(f),
    call: (api, input) => api.account.submitCompanyVerification(input),
    encode: (company, { timeZone }) => encodeCompany(company, timeZone),
  }),
  legacyRoute({
    path: '/user/info/geti',
    labels: individualBusinessLabels,
    decode: (f) => decodeIndividualBusiness(f),
    call: (api, input) => api.account.submitIndividualBusinessVerification(input),
    encode: (business, { timeZone }) => encodeIndividualBusiness(business, timeZone),
  }),
];
