import type { Entry } from '../../features/resume/resume.lists.js';
import type { Page } from '../../features/resume/resume.service.js';
import { encodePaginator } from '../codecs/paginator.js';
import { encodeResumeEntry, type LegacyResumeList, legacyResumeLists } from '../codecs/resume.js';
import type { ExampleWorld } from '../examples.js';
import { type FieldKind, kinds, type LegacyFields, objectsKind, pageFields } from '../fields.js';
import { type LegacyRoute, legacyRoute, noData } from '../route.js';

const entryId = {
  to: 'id',
  label: 'ID',
  kind: kinds.integer,
  en: 'The entry’s id (one of your own).',
  example: 31,
} as const;

/**
 * An edit's fields: one left out keeps what is stored. A date or a score sent blank is not left
 * out, though their kinds read blank as not given: every one of them is required, so it is made
 * null and refused as empty (`开始时间不能为空`), as a blank required text is.
 */
function editFields(fields: LegacyFields): LegacyFields {
  const blankRefused = (kind: FieldKind): FieldKind => ({
    ...kind,
    accepts: `${kind.accepts} Required: empty is refused.`,
    decode: (value, timeZone) =>
      typeof value === 'string' && value.trim() === '' ? null : kind.decode(value, timeZone),
  });
  return Object.fromEntries(
    Object.entries(fields).map(([name, field]) => [
      name,
      field.kind === kinds.text ? field : { ...field, kind: blankRefused(field.kind) },
    ]),
  );
}

/** `/user/<list>/index, add, edit, del, all` of one resume list (CONTRACT.md §5). */
function resumeListRoutes<Key extends keyof typeof legacyResumeLists>(key: Key): LegacyRoute[] {
  const list: LegacyResumeList = legacyResumeLists[key];
  const base = `/user/${list.name}`;
  const live = async (w: ExampleWorld) => ({ id: await w.resumeEntry(list.name) });
  return [
    legacyRoute({
      path: `${base}/index`,
      summary: { zh: `${list.label}列表`, en: `List my ${list.en}s` },
      description: 'In the order they were added, one page at a time.',
      auth: 'session',
      fields: pageFields,
      procedure: `resume.${key}.list`,
      encode: (page: Page<Entry<object>>, { timeZone }) =>
        encodePaginator(page, (entry) => encodeResumeEntry(list, entry, timeZone)),
      example: { request: { page: 1 } },
    }),
    legacyRoute({
      path: `${base}/add`,
      summary: { zh: `${list.label}添加`, en: `Add a ${list.en}` },
      description:
        'A list holds at most 100 entries, with at most 50,000 characters of text in all. Answers the stored entry.',
      auth: 'session',
      fields: list.fields,
      procedure: `resume.${key}.add`,
      encode: (entry: Entry<object>, { timeZone }) => encodeResumeEntry(list, entry, timeZone),
      example: { request: list.example },
    }),
    legacyRoute({
      path: `${base}/edit`,
      summary: { zh: `${list.label}修改`, en: `Edit a ${list.en}` },
      description:
        'Changes the fields sent; one left out keeps what is stored (send a text empty to clear it). ' +
        'Refused when the list would pass 50,000 characters of text. Answers the stored entry.',
      auth: 'session',
      fields: { id: entryId, ...editFields(list.fields) },
      procedure: `resume.${key}.update`,
      encode: (entry: Entry<object>, { timeZone }) => encodeResumeEntry(list, entry, timeZone),
      example: { request: { id: 31, ...list.example }, live },
    }),
    legacyRoute({
      path: `${base}/del`,
      summary: { zh: `${list.label}删除`, en: `Delete a ${list.en}` },
      auth: 'session',
      fields: { id: entryId },
      procedure: `resume.${key}.remove`,
      encode: noData,
      example: { request: { id: 31 }, live },
    }),
    legacyRoute({
      path: `${base}/all`,
      summary: { zh: `${list.label}全部替换`, en: `Replace all my ${list.en}s` },
      description:
        'Replaces the whole list with the array in `skill` (the deployed client’s name for it, whichever ' +
        'list), in one transaction: one invalid item changes nothing. A problem with one item reads ' +
        '`第2条：技能描述不能为空`. Answers the stored list.',
      auth: 'session',
      fields: {
        skill: {
          to: 'items',
          label: list.label,
          kind: objectsKind(list.fields),
          en: 'Every entry of the list, in order; `[]` empties it.',
        },
      },
      procedure: `resume.${key}.replaceAll`,
      encode: (entries: Entry<object>[], { timeZone }) =>
        entries.map((entry) => encodeResumeEntry(list, entry, timeZone)),
      example: { request: { skill: [list.example] } },
    }),
  ];
}

export const resumeRoutes: LegacyRoute[] = [
  ...resumeListRoutes('projects'),
  ...resumeListRoutes('skills'),
  ...resumeListRoutes('jobs'),
  ...resumeListRoutes('education'),
];
