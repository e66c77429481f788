import type { Entry } from '../../features/resume/resume.lists.js';
import type { Page } from '../../features/resume/resume.service.js';
import type { AppCaller } from '../../trpc/router.js';
import { decodePageFields, encodePaginator } from '../codecs/paginator.js';
import {
  decodeResumeItem,
  decodeResumeItems,
  encodeResumeEntry,
  type LegacyResumeList,
  legacyResumeLists,
  resumeLabels,
} from '../codecs/resume.js';
import { integer } from '../codecs/values.js';
import { legacyRoute, noData } from '../route.js';

/** The typed procedures of one resume list, as the legacy rows call them. */
interface ResumeListProcedures<Item> {
  list(input: { page?: number; perPage?: number }): Promise<Page<Entry<Item>>>;
  add(input: Item): Promise<Entry<Item>>;
  update(input: Item & { id: number }): Promise<Entry<Item>>;
  remove(input: { id: number }): Promise<void>;
  replaceAll(input: { items: Item[] }): Promise<Entry<Item>[]>;
}

/** `/user/<list>/index, add, edit, del, all` of one resume list (CONTRACT.md §5). */
function resumeListRoutes<Item>(
  list: LegacyResumeList<Item>,
  procedures: (api: AppCaller) => ResumeListProcedures<Item>,
) {
  const base = `/user/${list.name}`;
  const labels = { id: 'ID', ...resumeLabels(list) };
  const encodeEntry = (entry: Entry<Item>, timeZone: string) => encodeResumeEntry(list, entry, timeZone);
  return [
    legacyRoute({
      path: `${base}/index`,
      labels: { page: '页数', perPage: '每页条数' },
      decode: decodePageFields,
      call: (api, input) => procedures(api).list(input),
      encode: (page, { timeZone }) => encodePaginator(page, (entry) => encodeEntry(entry, timeZone)),
    }),
    legacyRoute({
      path: `${base}/add`,
      labels,
      decode: (f, { timeZone }) => decodeResumeItem(list, f, timeZone),
      call: (api, input) => procedures(api).add(input),
      encode: (entry, { timeZone }) => encodeEntry(entry, timeZone),
    }),
    legacyRoute({
      path: `${base}/edit`,
      labels,
      decode: (f, { timeZone }) => ({ ...decodeResumeItem(list, f, timeZone), id: integer(f.id) }),
      call: (api, input) => procedures(api).update(input),
      encode: (entry, { timeZone }) => encodeEntry(entry, timeZone),
    }),
    legacyRoute({
      path: `${base}/del`,
      labels: { id: 'ID' },
      decode: (f) => ({ id: integer(f.id) }),
      call: (api, input) => procedures(api).remove(input),
      encode: noData,
    }),
    legacyRoute({
      path: `${base}/all`,
      // A problem with one item reads `第2条：技能描述不能为空` (legacy/failures.ts adds the item number).
      labels: { ...labels, items: list.label },
      // The deployed client sends every list in a field named `skill`, whichever list it is.
      decode: (f, { timeZone }) => {
        const items = decodeResumeItems(f.skill);
        return {
          items: (Array.isArray(items)
            ? items.map((item) => decodeResumeItem(list, item, timeZone))
            : items) as Item[],
        };
      },
      call: (api, input) => procedures(api).replaceAll(input),
      encode: (entries, { timeZone }) => entries.map((entry) => encodeEntry(entry, timeZone)),
    }),
  ];
}

export const resumeRoutes = [
  ...resumeListRoutes(legacyResumeLists.projects, (api) => api.resume.projects),
  ...resumeListRoutes(legacyResumeLists.skills, (api) => api.resume.skills),
  ...resumeListRoutes(legacyResumeLists.jobs, (api) => api.resume.jobs),
  ...resumeListRoutes(legacyResumeLists.education, (api) => api.resume.education),
];
