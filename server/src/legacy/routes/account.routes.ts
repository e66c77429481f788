import {
  companyFields,
  encodeAccount,
  encodeCompany,
  encodeIndividualBusiness,
  encodePerson,
  exampleIdNumber,
  individualBusinessFields,
  individualBusinessLabels,
  personFields,
  profileFields,
  verificationLabels,
} from '../codecs/account.js';
import { exampleUploadUrl } from '../codecs/common.js';
import { at } from '../codecs/paginator.js';
import { userLabels } from '../codecs/user.js';
import { type LegacyRoute, legacyRoute, noData } from '../route.js';

const submission =
  'Creates or updates the record: an absent field keeps its value, an empty one clears it. Answers the ' +
  'stored record.';

const privateFiles =
  'The uploads a verification record names are private: the record shows them as signed URLs ' +
  '(`/uploads/<key>?exp=<unix>&sig=<…>`), valid for about an hour and usable in `<img src>` as they are; ' +
  'the plain URL answers 404. Fields take the URLs back signed or not.';

/** `/user/info/*`: the account page, profile edits and the three verifications (CONTRACT.md §5). */
export const accountRoutes: LegacyRoute[] = [
  legacyRoute({
    path: '/user/info/info',
    summary: { zh: '用户基本信息查询', en: 'My account' },
    description:
      'The user (`usertype`, `userstate` labels), the wallet `balance` in yuan, `name, code, pic, picf` of the ' +
      'person record, and the `person`, `company` and `geti` records (or null) with their `state` labels. ' +
      privateFiles,
    auth: 'session',
    fields: {},
    procedure: 'account.overview',
    encode: (account, { token, timeZone }) => encodeAccount(account, token, timeZone),
    labels: {
      ...userLabels,
      ...at('person', verificationLabels),
      ...at('company', verificationLabels),
      ...at('geti', individualBusinessLabels),
    },
    example: { request: {} },
  }),
  legacyRoute({
    path: '/user/info/edit',
    summary: { zh: '用户资料修改', en: 'Edit my profile' },
    description: 'Changes the fields given; absent fields keep their value.',
    auth: 'session',
    fields: profileFields,
    procedure: 'account.updateProfile',
    encode: noData,
    example: {
      request: { email: 'li.lei@example.com', face: exampleUploadUrl, address: ['广东省', '深圳市'] },
      live: async (w) => ({ face: (await w.upload('worker', 'image')).url }),
    },
  }),
  legacyRoute({
    path: '/user/info/person',
    summary: { zh: '个人用户认证', en: 'Submit person verification' },
    description:
      `Identity (ID card) and the work profile a person offers. ${submission} A change of the identity ` +
      '(`name`, `code`, `pic`, `picf`) puts the record back to 未审核 and the user to 未认证; the work ' +
      'profile alone just saves (the resume wizard re-sends the identity unchanged with it). ' +
      privateFiles,
    auth: 'session',
    fields: personFields,
    procedure: 'account.submitPersonVerification',
    encode: (person, { timeZone }) => encodePerson(person, timeZone),
    labels: verificationLabels,
    example: {
      request: {
        name: '李雷',
        code: exampleIdNumber,
        pic: exampleUploadUrl,
        picf: exampleUploadUrl,
        job: 'IT互联网',
        jobname: 'JAVA工程师',
        jtime: '2026-12-01,2027-06-30',
        money: '800',
        des: '五年前端开发经验',
      },
      live: async (w) => {
        const front = await w.upload('worker', 'image');
        const back = await w.upload('worker', 'image');
        return { pic: front.url, picf: back.url };
      },
    },
  }),
  legacyRoute({
    path: '/user/info/company',
    summary: { zh: '企业用户认证', en: 'Submit company verification' },
    description: `${submission} Any submission puts the record back to 未审核. ${privateFiles}`,
    auth: 'session',
    fields: companyFields,
    procedure: 'account.submitCompanyVerification',
    encode: (company, { timeZone }) => encodeCompany(company, timeZone),
    labels: verificationLabels,
    example: {
      as: 'employer',
      request: {
        name: '深圳某科技有限公司',
        type: '软件和信息技术服务业',
        pic: exampleUploadUrl,
        pro: '广东省',
        city: '深圳市',
        address: '南山区科技园',
        year: '5',
        faren_name: '韩梅梅',
      },
      live: async (w) => ({ pic: (await w.upload('employer', 'image')).url }),
    },
  }),
  legacyRoute({
    path: '/user/info/geti',
    summary: { zh: '用户个体信息提交', en: 'Submit individual business verification' },
    description: `个体工商户. Given partners (\`hehuo\`) replace the stored ones. ${submission} Any submission puts the record back to 未审核.`,
    auth: 'session',
    fields: individualBusinessFields,
    procedure: 'account.submitIndividualBusinessVerification',
    encode: (business, { timeZone }) => encodeIndividualBusiness(business, timeZone),
    labels: individualBusinessLabels,
    example: {
      request: {
        name: '南山区李雷软件工作室',
        zhusuo: ['广东省', '深圳市', '南山区'],
        youbian: '518057',
        shouji: '13800138000',
        zhiben: '10',
        hesuan: 0,
        renshu: 3,
        fanwen: '软件开发；技术服务',
        faren_name: '李雷',
        faren_code: exampleIdNumber,
        hehuo: [{ hehuoren_name: '韩梅梅', hehuoren_code: exampleIdNumber }],
      },
    },
  }),
];
