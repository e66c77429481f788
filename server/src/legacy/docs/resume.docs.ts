import { legacyResumeLists } from '../codecs/resume.js';
import { pageFieldDocs } from './common.js';
import { type LegacyFieldDoc, type LegacyRouteDoc, legacyDocs } from './types.js';

/** How each resume list reads in the docs; its fields by legacy name. */
interface ResumeListDoc {
  readonly en: string;
  readonly fields: Readonly<Record<string, LegacyFieldDoc>>;
  readonly example: Readonly<Record<string, unknown>>;
}

const text = (en: string, example: string): LegacyFieldDoc => ({ type: 'text', en, example });
const date = (en: string, example: string): LegacyFieldDoc => ({ type: 'date', en, example });

const lists: { readonly [List in keyof typeof legacyResumeLists]: ResumeListDoc } = {
  projects: {
    en: 'portfolio project',
    fields: {
      name: text('Project name, 1–100 characters.', '预约小程序'),
      type: text('Kind of work, up to 100 characters.', '小程序开发'),
      link: text('An http(s) link to the work, or empty.', 'https://example.com/booking'),
      key: text('Key features, up to 5000 characters.', '在线预约、微信支付'),
      des: text('What the project is, up to 5000 characters.', '为连锁门店开发的预约系统'),
      z: text('Your part in it, up to 5000 characters.', '前端与接口开发'),
    },
    example: {
      name: '预约小程序',
      type: '小程序开发',
      link: 'https://example.com/booking',
      des: '为连锁门店开发的预约系统',
    },
  },
  skills: {
    en: 'skill',
    fields: {
      name: text('The skill, 1–100 characters.', 'TypeScript'),
      fen: { type: 'integer', en: 'Self-assessed score, 1 (basic) to 5 (expert).', example: 4 },
    },
    example: { name: 'TypeScript', fen: 4 },
  },
  jobs: {
    en: 'work history entry',
    fields: {
      begin: date('Start date.', '2020-07-01'),
      end: date('End date; not before the start.', '2023-06-30'),
      company: text('Company name, 1–100 characters.', '深圳某科技有限公司'),
      job: text('Job title, 1–100 characters.', '前端工程师'),
      des: text('What you did, up to 5000 characters.', '负责小程序与管理后台'),
    },
    example: { begin: '2020-07-01', end: '2023-06-30', company: '深圳某科技有限公司', job: '前端工程师' },
  },
  education: {
    en: 'education entry',
    fields: {
      begin: date('Start date.', '2016-09-01'),
      end: date('End date; not before the start.', '2020-06-30'),
      school: text('School name, 1–100 characters.', '深圳大学'),
      job: text('Major, up to 100 characters.', '计算机科学与技术'),
      li: text('Degree, up to 100 characters.', '本科'),
      des: text('Notes, up to 5000 characters.', ''),
    },
    example: {
      begin: '2016-09-01',
      end: '2020-06-30',
      school: '深圳大学',
      job: '计算机科学与技术',
      li: '本科',
    },
  },
};

const entryId: LegacyFieldDoc = { type: 'integer', en: 'The entry’s id (one of your own).', example: 31 };

/**
 * The routes of one list. Chinese names come from the list's codec (legacy/codecs/resume.ts); item
 * fields carry theirs, since `/all` nests them inside `skill`.
 */
function resumeListDocs(
  key: keyof typeof legacyResumeLists,
  doc: ResumeListDoc,
): Record<string, LegacyRouteDoc> {
  const codec: { name: string; label: string; fields: Record<string, { name: string; label: string }> } =
    legacyResumeLists[key];
  const zhOf = Object.fromEntries(Object.values(codec.fields).map((field) => [field.name, field.label]));
  const fields = Object.fromEntries(
    Object.entries(doc.fields).map(([name, field]) => [name, { ...field, zh: zhOf[name] }]),
  );
  const list = { ...doc, zh: codec.label, fields };
  const name = codec.name;
  const base = `/user/${name}`;
  const live = async (w: Parameters<NonNullable<LegacyRouteDoc['example']['live']>>[0]) => ({
    id: await w.resumeEntry(name),
  });
  return {
    [`${base}/index`]: {
      summary: { zh: `${list.zh}列表`, en: `List my ${list.en}s` },
      description: 'In the order they were added, one page at a time.',
      fields: pageFieldDocs,
      example: { request: { page: 1 } },
    },
    [`${base}/add`]: {
      summary: { zh: `${list.zh}添加`, en: `Add a ${list.en}` },
      description: 'A list holds at most 100 entries. Answers the stored entry.',
      fields: list.fields,
      example: { request: list.example },
    },
    [`${base}/edit`]: {
      summary: { zh: `${list.zh}修改`, en: `Edit a ${list.en}` },
      description: 'Replaces every field of the entry. Answers the stored entry.',
      fields: { id: entryId, ...list.fields },
      example: { request: { id: 31, ...list.example }, live },
    },
    [`${base}/del`]: {
      summary: { zh: `${list.zh}删除`, en: `Delete a ${list.en}` },
      fields: { id: entryId },
      example: { request: { id: 31 }, live },
    },
    [`${base}/all`]: {
      summary: { zh: `${list.zh}全部替换`, en: `Replace all my ${list.en}s` },
      description:
        'Replaces the whole list with the array in `skill` (the deployed client’s name for it, whichever ' +
        'list), in one transaction: one invalid item changes nothing. Answers the stored list.',
      fields: {
        skill: {
          type: 'objects',
          en: 'Every entry of the list, in order; `[]` empties it.',
          required: true,
          items: list.fields,
        },
      },
      example: { request: { skill: [list.example] } },
    },
  };
}

/** The four resume lists (CONTRACT.md §5), five routes each. */
export const resumeDocs = legacyDocs(
  Object.assign(
    {},
    ...Object.entries(lists).map(([key, list]) => resumeListDocs(key as keyof typeof lists, list)),
  ),
);
