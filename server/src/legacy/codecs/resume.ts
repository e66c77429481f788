import type {
  EducationItem,
  Entry,
  JobItem,
  ProjectItem,
  SkillItem,
} from '../../features/resume/resume.lists.js';
import { formatLegacyDate, parseLegacyDate } from './dates.js';
import { integer, type LegacyFields, text } from './values.js';

/** One field of a resume entry under its legacy name and Chinese label (seed/api.txt). */
interface LegacyField<Value> {
  readonly name: string;
  readonly label: string;
  decode(value: unknown, timeZone: string): Value;
  encode(value: Value, timeZone: string): unknown;
}

const textField = (name: string, label: string): LegacyField<string> => ({
  name,
  label,
  decode: text,
  encode: (value) => value,
});

/** Scores arrive as `3` or `"3"`. */
const integerField = (name: string, label: string): LegacyField<number> => ({
  name,
  label,
  decode: integer,
  encode: (value) => value,
});

/** Unix seconds, `YYYY-MM-DD`, `YYYY-MM-DD HH:mm:ss` or ISO in; `YYYY-MM-DD HH:mm:ss` out. */
const dateField = (name: string, label: string): LegacyField<Date> => ({
  name,
  label,
  decode: (value, timeZone) => parseLegacyDate(value, timeZone),
  encode: (value, timeZone) => formatLegacyDate(value, timeZone),
});

/** A resume list as the legacy routes `/user/<name>/...` show it. */
export interface LegacyResumeList<Item> {
  /** `user_person_des`, ... */
  readonly name: string;
  /** What the whole list is called, for messages about the list itself. */
  readonly label: string;
  readonly fields: { readonly [Field in keyof Item]-?: LegacyField<Item[Field]> };
}

export const legacyResumeLists = {
  projects: {
    name: 'user_person_des',
    label: '工作详情',
    fields: {
      name: textField('name', '工作名称'),
      type: textField('type', '工作类型'),
      link: textField('link', '工作链接'),
      keyFeatures: textField('key', '关键功能'),
      description: textField('des', '工作简介'),
      responsibilities: textField('z', '工作职责'),
    },
  } satisfies LegacyResumeList<ProjectItem>,
  skills: {
    name: 'user_person_ji',
    label: '工作技能',
    fields: { name: textField('name', '技能描述'), score: integerField('fen', '评分') },
  } satisfies LegacyResumeList<SkillItem>,
  jobs: {
    name: 'user_person_job',
    label: '工作经历',
    fields: {
      begin: dateField('begin', '开始时间'),
      end: dateField('end', '结束时间'),
      company: textField('company', '公司名称'),
      title: textField('job', '职位名称'),
      description: textField('des', '介绍'),
    },
  } satisfies LegacyResumeList<JobItem>,
  education: {
    name: 'user_person_edu',
    label: '学习经历',
    fields: {
      begin: dateField('begin', '开始时间'),
      end: dateField('end', '结束时间'),
      school: textField('school', '学校名称'),
      major: textField('job', '专业名称'),
      degree: textField('li', '学历'),
      description: textField('des', '介绍'),
    },
  } satisfies LegacyResumeList<EducationItem>,
};

const fieldsOf = <Item>(list: LegacyResumeList<Item>) =>
  Object.entries(list.fields) as Array<[keyof Item, LegacyField<Item[keyof Item]>]>;

/** Chinese labels by typed field name, for validation messages. */
export function resumeLabels<Item>(list: LegacyResumeList<Item>): Record<string, string> {
  return Object.fromEntries(fieldsOf(list).map(([field, legacy]) => [field, legacy.label]));
}

/** An entry's legacy fields into the typed item. Anything but an object is left for the schema to refuse. */
export function decodeResumeItem<Item>(
  list: LegacyResumeList<Item>,
  fields: unknown,
  timeZone: string,
): Item {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return fields as Item;
  const item: Partial<Item> = {};
  for (const [field, legacy] of fieldsOf(list)) {
    item[field] = legacy.decode((fields as LegacyFields)[legacy.name], timeZone);
  }
  return item as Item;
}

/** A stored entry as legacy rows show it: `id`, `uid` (the owner) and the legacy field names. */
export function encodeResumeEntry<Item>(list: LegacyResumeList<Item>, entry: Entry<Item>, timeZone: string) {
  const row: Record<string, unknown> = { id: entry.id, uid: entry.userId };
  for (const [field, legacy] of fieldsOf(list)) row[legacy.name] = legacy.encode(entry[field], timeZone);
  return row;
}

/**
 * The array `/all` receives in `skill`: a JSON array, bracket form fields (`skill[0][name]=...`,
 * which qs turns into an object when an index passes its array limit), or a JSON string. An empty
 * string is an empty list; absent stays absent, for the schema to report.
 */
export function decodeResumeItems(value: unknown): unknown {
  if (value === '') return [];
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((key) => /^\d{1,4}$/.test(key))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((key) => (value as LegacyFields)[key]);
    }
  }
  return value;
}
