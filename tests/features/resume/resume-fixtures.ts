import { checkFields } from '../../support/auth-flow.js';
import { type Encoding, legacyPost } from '../../support/legacy-client.js';
import type { TestApp } from '../../support/test-app.js';

/** One resume list as the deployed client uses it: valid fields, and the row they come back as. */
export interface ListCase {
  readonly list: 'user_person_des' | 'user_person_ji' | 'user_person_job' | 'user_person_edu';
  readonly table: 'resume_projects' | 'resume_skills' | 'resume_jobs' | 'resume_education';
  readonly label: string;
  readonly valid: Record<string, unknown>;
  readonly validRow: Record<string, unknown>;
  readonly edited: Record<string, unknown>;
  readonly editedRow: Record<string, unknown>;
  /** Required fields and the message for their absence. */
  readonly required: ReadonlyArray<readonly [field: string, err: string]>;
  /** Field overrides that must be refused, with the exact `err`. */
  readonly bad: ReadonlyArray<readonly [what: string, override: Record<string, unknown>, err: string]>;
}

const long = (n: number) => '长'.repeat(n);

export const listCases: readonly ListCase[] = [
  {
    list: 'user_person_des',
    table: 'resume_projects',
    label: '工作详情',
    valid: {
      name: '商城小程序',
      type: '小程序',
      link: 'https://example.com/shop',
      key: '下单\n支付',
      des: '一个商城',
      z: '前端开发',
    },
    validRow: {
      name: '商城小程序',
      type: '小程序',
      link: 'https://example.com/shop',
      key: '下单\n支付',
      des: '一个商城',
      z: '前端开发',
    },
    // An address typed without its scheme is taken as http (the old forms took any text).
    edited: { name: '  官网改版  ', type: '网站', link: 'github.com/me', key: '', des: '改版', z: '全栈' },
    editedRow: {
      name: '官网改版',
      type: '网站',
      link: 'http://github.com/me',
      key: '',
      des: '改版',
      z: '全栈',
    },
    required: [['name', '工作名称不能为空']],
    bad: [
      ['blank name', { name: '   ' }, '工作名称不能为空'],
      ['name too long', { name: long(101) }, '工作名称不能超过100个字符'],
      ['NUL in name', { name: 'a\u0000b' }, '工作名称格式错误'],
      ['name as an object', { name: { x: '1' } }, '工作名称格式错误'],
      ['type too long', { type: long(101) }, '工作类型不能超过100个字符'],
      ['line break in type', { type: 'a\nb' }, '工作类型格式错误'],
      ['ftp link', { link: 'ftp://example.com/x' }, '工作链接格式错误'],
      ['javascript link', { link: 'javascript:alert(1)' }, '工作链接格式错误'],
      ['link that is no address', { link: '暂无' }, '工作链接格式错误'],
      ['link to no host with a dot', { link: 'localhost/x' }, '工作链接格式错误'],
      ['link too long', { link: `https://example.com/${'a'.repeat(240)}` }, '工作链接不能超过255个字符'],
      ['key too long', { key: long(5001) }, '关键功能不能超过5000个字符'],
      ['NUL in key', { key: 'a\u0000' }, '关键功能格式错误'],
      ['des too long', { des: long(5001) }, '工作简介不能超过5000个字符'],
      ['z too long', { z: long(5001) }, '工作职责不能超过5000个字符'],
      ['NUL in z', { z: '\u0000' }, '工作职责格式错误'],
    ],
  },
  {
    list: 'user_person_ji',
    table: 'resume_skills',
    label: '工作技能',
    valid: { name: 'TypeScript', fen: '4' },
    validRow: { name: 'TypeScript', fen: 4 },
    edited: { name: 'MySQL', fen: 5 },
    editedRow: { name: 'MySQL', fen: 5 },
    required: [
      ['name', '技能描述不能为空'],
      ['fen', '评分不能为空'],
    ],
    bad: [
      ['name too long', { name: long(101) }, '技能描述不能超过100个字符'],
      ['NUL in name', { name: '\u0000' }, '技能描述格式错误'],
      ['score 0', { fen: '0' }, '评分不能小于1'],
      ['score 6', { fen: 6 }, '评分不能大于5'],
      ['negative score', { fen: '-1' }, '评分不能小于1'],
      ['fractional score', { fen: '3.5' }, '评分格式错误'],
      ['score as text', { fen: 'good' }, '评分格式错误'],
    ],
  },
  {
    list: 'user_person_job',
    table: 'resume_jobs',
    label: '工作经历',
    valid: {
      begin: '2020-09-01',
      end: '2023-06-30',
      company: '某某科技',
      job: '前端工程师',
      des: '负责商城',
    },
    validRow: {
      begin: '2020-09-01 00:00:00',
      end: '2023-06-30 00:00:00',
      company: '某某科技',
      job: '前端工程师',
      des: '负责商城',
    },
    // 1688140800 is 2023-07-01 00:00:00 in Asia/Shanghai; the end is an ISO instant in UTC.
    edited: {
      begin: 1688140800,
      end: '2024-01-31T16:00:00.000Z',
      company: '另一家公司',
      job: '架构师',
      des: '',
    },
    editedRow: {
      begin: '2023-07-01 00:00:00',
      end: '2024-02-01 00:00:00',
      company: '另一家公司',
      job: '架构师',
      des: '',
    },
    required: [
      ['begin', '开始时间不能为空'],
      ['end', '结束时间不能为空'],
      ['company', '公司名称不能为空'],
      ['job', '职位名称不能为空'],
    ],
    bad: [
      ['begin as words', { begin: 'yesterday' }, '开始时间格式错误'],
      ['impossible begin', { begin: '2026-02-31' }, '开始时间格式错误'],
      ['end as an object', { end: { y: '2020' } }, '结束时间格式错误'],
      ['end before begin', { begin: '2021-01-02', end: '2021-01-01' }, '结束时间不能早于开始时间'],
      ['company too long', { company: long(101) }, '公司名称不能超过100个字符'],
      ['job too long', { job: long(101) }, '职位名称不能超过100个字符'],
      ['NUL in job', { job: 'x\u0000' }, '职位名称格式错误'],
      ['des too long', { des: long(5001) }, '介绍不能超过5000个字符'],
    ],
  },
  {
    list: 'user_person_edu',
    table: 'resume_education',
    label: '学习经历',
    // 1472659200 is 2016-09-01 00:00:00 in Asia/Shanghai.
    valid: {
      begin: 1472659200,
      end: '2020-06-30 12:30:00',
      school: '某某大学',
      job: '计算机科学',
      li: '本科',
      des: '',
    },
    validRow: {
      begin: '2016-09-01 00:00:00',
      end: '2020-06-30 12:30:00',
      school: '某某大学',
      job: '计算机科学',
      li: '本科',
      des: '',
    },
    edited: {
      begin: '2020-09-01',
      end: '2020-09-01',
      school: '另一所大学',
      job: '',
      li: '硕士',
      des: '读研',
    },
    editedRow: {
      begin: '2020-09-01 00:00:00',
      end: '2020-09-01 00:00:00',
      school: '另一所大学',
      job: '',
      li: '硕士',
      des: '读研',
    },
    required: [
      ['begin', '开始时间不能为空'],
      ['end', '结束时间不能为空'],
      ['school', '学校名称不能为空'],
    ],
    bad: [
      [
        'end before begin',
        { begin: '2020-09-01 08:00:00', end: '2020-09-01 07:59:59' },
        '结束时间不能早于开始时间',
      ],
      ['end as words', { end: 'soon' }, '结束时间格式错误'],
      ['school too long', { school: long(101) }, '学校名称不能超过100个字符'],
      ['major too long', { job: long(101) }, '专业名称不能超过100个字符'],
      ['degree too long', { li: long(101) }, '学历不能超过100个字符'],
      ['NUL in degree', { li: '\u0000' }, '学历格式错误'],
      ['des too long', { des: long(5001) }, '介绍不能超过5000个字符'],
    ],
  },
];

/** Posts to `/user/<list>/<action>` as the given user. */
export function post(
  t: TestApp,
  session: { userId: number; token: string },
  path: string,
  fields: Record<string, unknown>,
  encoding: Encoding = 'json',
) {
  return legacyPost(t.app, path, { ...checkFields(session), ...fields }, encoding);
}

/** The user's rows of a table, straight from the database, in id order. */
export async function storedRows(t: TestApp, table: ListCase['table'], userId: number) {
  return t.stores.database.db
    .selectFrom(table)
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('id', 'asc')
    .execute();
}
