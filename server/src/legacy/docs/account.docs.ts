import { exampleUploadUrl } from './common.js';
import { at, individualBusinessOutputLabels, userOutputLabels, verificationOutputLabels } from './labels.js';
import { type LegacyFieldDoc, legacyDocs } from './types.js';

const text = (en: string, example: unknown): LegacyFieldDoc => ({ type: 'text', en, example });
const images = (en: string): LegacyFieldDoc => ({ type: 'fileRefs', en, example: exampleUploadUrl });

/** A valid mainland ID number for examples (checksum and birth date hold). */
const exampleIdNumber = '11010519491231002X';

const submission =
  'Creates or updates the record: an absent field keeps its value, an empty one clears it. Any ' +
  'submission puts the record back to 未审核. Answers the stored record.';

/** `/user/info/*`: the account page, profile edits and the three verifications (CONTRACT.md §5). */
export const accountDocs = legacyDocs({
  '/user/info/info': {
    summary: { zh: '用户基本信息查询', en: 'My account' },
    description:
      'The user (`usertype`, `userstate` labels), the wallet `balance` in yuan, `name, code, pic, picf` of the ' +
      'person record, and the `person`, `company` and `geti` records (or null) with their `state` labels.',
    fields: {},
    labels: {
      ...userOutputLabels,
      ...at('person', verificationOutputLabels),
      ...at('company', verificationOutputLabels),
      ...at('geti', individualBusinessOutputLabels),
    },
    example: { request: {} },
  },
  '/user/info/edit': {
    summary: { zh: '用户资料修改', en: 'Edit my profile' },
    description: 'Changes the fields given; absent fields keep their value.',
    fields: {
      email: text('An email address, or empty to clear it.', 'li.lei@example.com'),
      face: { type: 'fileRef', en: 'The avatar: your upload; empty removes it.', example: exampleUploadUrl },
      address: {
        type: 'cascader',
        en: 'Address; cascader arrays are joined with `,`.',
        example: ['广东省', '深圳市'],
      },
    },
    example: {
      request: { email: 'li.lei@example.com', face: exampleUploadUrl, address: ['广东省', '深圳市'] },
      live: async (w) => ({ face: (await w.upload('worker', 'image')).url }),
    },
  },
  '/user/info/person': {
    summary: { zh: '个人用户认证', en: 'Submit person verification' },
    description: `Identity (ID card) and the work profile a person offers. ${submission}`,
    fields: {
      name: text('Name on the ID card, 1–50 characters.', '李雷'),
      code: text('18-character mainland ID number.', exampleIdNumber),
      pic: images('ID card front: your upload.'),
      picf: images('ID card back: your upload.'),
      job: { type: 'cascader', en: 'Occupation (first level).', example: 'IT互联网' },
      jobname: { type: 'cascader', en: 'Occupation (second level).', example: 'JAVA工程师' },
      jtype: text('Kind of working time.', '兼职'),
      jtime: { type: 'dates', en: 'Available from and to.', example: '2026-12-01,2027-06-30' },
      timelong: text('Hours a week.', '20'),
      jobarea: { type: 'cascader', en: 'Area you work in.', example: ['广东省', '深圳市'] },
      jobaddress: { type: 'cascader', en: 'Where you work.', example: '南山区科技园' },
      money: { type: 'yuan', en: 'Daily rate in yuan.', example: '800' },
      des: text('About you, up to 5000 characters.', '五年前端开发经验'),
      fileone: images('Attachment one: your upload.'),
      filetow: images('Attachment two: your upload.'),
    },
    labels: verificationOutputLabels,
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
  },
  '/user/info/company': {
    summary: { zh: '企业用户认证', en: 'Submit company verification' },
    description: submission,
    fields: {
      name: text('Company name, 1–100 characters.', '深圳某科技有限公司'),
      type: { type: 'cascader', en: 'Industry.', example: '软件和信息技术服务业' },
      pic: images('Business licence: your upload.'),
      pro: text('Province.', '广东省'),
      city: text('City.', '深圳市'),
      address: { type: 'cascader', en: 'Usual address.', example: '南山区科技园' },
      addressdtail: {
        type: 'cascader',
        en: 'Same as `address` (the deployed client’s name).',
        aliasOf: 'address',
      },
      year: text('Years in business.', '5'),
      faren_name: text('Legal representative.', '韩梅梅'),
      faren_z: images('Legal representative’s ID card, front: your upload.'),
      faren_f: images('Legal representative’s ID card, back: your upload.'),
    },
    labels: verificationOutputLabels,
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
  },
  '/user/info/geti': {
    summary: { zh: '用户个体信息提交', en: 'Submit individual business verification' },
    description: `个体工商户. Given partners (\`hehuo\`) replace the stored ones. ${submission}`,
    fields: {
      name: text('Business name, 1–100 characters.', '南山区李雷软件工作室'),
      zhusuo: { type: 'cascader', en: 'Registered domicile.', example: ['广东省', '深圳市', '南山区'] },
      jingying: { type: 'cascader', en: 'Place of business.', example: '南山区科技园' },
      youbian: text('Postcode.', '518057'),
      shouji: text('Contact phone.', '13800138000'),
      zhiben: { type: 'wanYuan', en: 'Registered capital in 万元 (ten thousand yuan).', example: '10' },
      leixing: text('Kind of business.', '个体工商户'),
      hesuan: {
        type: 'code',
        en: 'Accounting: 0 independent, 1 not independent.',
        codes: { 0: 'independent', 1: 'nonIndependent' },
        example: 0,
      },
      renshu: { type: 'integer', en: 'Employees.', example: 3 },
      hangye: { type: 'cascader', en: 'Industry.', example: '软件开发' },
      fanwen: text('Business scope, up to 5000 characters.', '软件开发；技术服务'),
      fangwen: { type: 'text', en: 'Same as `fanwen` (a spelling clients use).', aliasOf: 'fanwen' },
      faren_name: text('Legal representative.', '李雷'),
      faren_code: text('Legal representative’s ID number.', exampleIdNumber),
      hehuo: {
        type: 'objects',
        en: 'Partners; the list replaces the stored one.',
        items: {
          hehuoren_name: {
            type: 'text',
            zh: '合伙人名字',
            en: 'Partner’s name.',
            required: true,
            example: '韩梅梅',
          },
          hehuoren_code: {
            type: 'text',
            zh: '合伙人身份证号',
            en: 'Partner’s ID number.',
            required: true,
            example: exampleIdNumber,
          },
        },
      },
    },
    labels: individualBusinessOutputLabels,
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
  },
});
