import type { Entry } from '../../features/resume/resume.lists.js';
import { kinds, type LegacyField, type LegacyFields } from '../fields.js';
import { formatLegacyDate } from './dates.js';

/** One resume list as the legacy routes `/user/<name>/...` show it. */
export interface LegacyResumeList {
  /** `user_person_des`, ... */
  readonly name: string;
  /** What the whole list is called (Chinese), for messages about the list itself. */
  readonly label: string;
  /** What one entry is called in English, for the docs. */
  readonly en: string;
  /** An entry's fields, by legacy name. */
  readonly fields: LegacyFields;
  /** A valid entry, for the docs. */
  readonly example: Readonly<Record<string, unknown>>;
}

const text = (to: string, label: string, en: string, example: string): LegacyField => ({
  to,
  label,
  kind: kinds.text,
  en,
  example,
});
const date = (to: string, label: string, en: string, example: string): LegacyField => ({
  to,
  label,
  kind: kinds.date,
  en,
  example,
});

export const legacyResumeLists = {
  projects: {
    name: 'user_person_des',
    label: '工作详情',
    en: 'portfolio project',
    fields: {
      name: text('name', '工作名称', 'Project name, 1–100 characters.', '预约小程序'),
      type: text('type', '工作类型', 'Kind of work, up to 100 characters.', '小程序开发'),
      link: text('link', '工作链接', 'An http(s) link to the work, or empty.', 'https://example.com/booking'),
      key: text('keyFeatures', '关键功能', 'Key features, up to 5000 characters.', '在线预约、微信支付'),
      des: text(
        'description',
        '工作简介',
        'What the project is, up to 5000 characters.',
        '为连锁门店开发的预约系统',
      ),
      z: text('responsibilities', '工作职责', 'Your part in it, up to 5000 characters.', '前端与接口开发'),
    },
    example: {
      name: '预约小程序',
      type: '小程序开发',
      link: 'https://example.com/booking',
      des: '为连锁门店开发的预约系统',
    },
  },
  skills: {
    name: 'user_person_ji',
    label: '工作技能',
    en: 'skill',
    fields: {
      name: text('name', '技能描述', 'The skill, 1–100 characters.', 'TypeScript'),
      fen: {
        to: 'score',
        label: '评分',
        kind: kinds.integer,
        en: 'Self-assessed score, 1 (basic) to 5 (expert).',
        example: 4,
      },
    },
    example: { name: 'TypeScript', fen: 4 },
  },
  jobs: {
    name: 'user_person_job',
    label: '工作经历',
    en: 'work history entry',
    fields: {
      begin: date('begin', '开始时间', 'Start date.', '2020-07-01'),
      end: date('end', '结束时间', 'End date; not before the start.', '2023-06-30'),
      company: text('company', '公司名称', 'Company name, 1–100 characters.', '深圳某科技有限公司'),
      job: text('title', '职位名称', 'Job title, 1–100 characters.', '前端工程师'),
      des: text('description', '介绍', 'What you did, up to 5000 characters.', '负责小程序与管理后台'),
    },
    example: { begin: '2020-07-01', end: '2023-06-30', company: '深圳某科技有限公司', job: '前端工程师' },
  },
  education: {
    name: 'user_person_edu',
    label: '学习经历',
    en: 'education entry',
    fields: {
      begin: date('begin', '开始时间', 'Start date.', '2016-09-01'),
      end: date('end', '结束时间', 'End date; not before the start.', '2020-06-30'),
      school: text('school', '学校名称', 'School name, 1–100 characters.', '深圳大学'),
      job: text('major', '专业名称', 'Major, up to 100 characters.', '计算机科学与技术'),
      li: text('degree', '学历', 'Degree, up to 100 characters.', '本科'),
      des: text('description', '介绍', 'Notes, up to 5000 characters.', ''),
    },
    example: {
      begin: '2016-09-01',
      end: '2020-06-30',
      school: '深圳大学',
      job: '计算机科学与技术',
      li: '本科',
    },
  },
} satisfies Record<string, LegacyResumeList>;

/** A stored entry as legacy rows show it: `id`, `uid` (the owner) and the legacy field names. */
export function encodeResumeEntry(list: LegacyResumeList, entry: Entry<object>, timeZone: string) {
  const row: Record<string, unknown> = { id: entry.id, uid: entry.userId };
  const values: Record<string, unknown> = entry;
  for (const [name, field] of Object.entries(list.fields)) {
    const value = values[field.to];
    row[name] = value instanceof Date ? formatLegacyDate(value, timeZone) : value;
  }
  return row;
}
