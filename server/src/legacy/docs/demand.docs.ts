import { kindCodes, settlementCodes } from '../../features/demands/demand.schemas.js';
import { exampleUploadUrl, pageFieldDocs } from './common.js';
import { applicationOutputLabels, at, demandOutputLabels } from './labels.js';
import { type LegacyFieldDoc, legacyDocs } from './types.js';

/** Legacy code → typed value, from the codes the service stores. */
const byCode = (codes: Readonly<Record<string, number>>) =>
  Object.fromEntries(Object.entries(codes).map(([value, code]) => [code, value]));

const kindField: LegacyFieldDoc = {
  type: 'code',
  en: 'Kind of work.',
  codes: byCode(kindCodes),
  example: 1,
};
const settlementField: LegacyFieldDoc = {
  type: 'code',
  en: 'How the work is paid.',
  codes: byCode(settlementCodes),
  example: 2,
};

/** The fields of `/user/goods/add` and `/user/goods/edit`. */
const demandFields: Readonly<Record<string, LegacyFieldDoc>> = {
  title: { type: 'text', en: 'Title, 2–100 characters.', example: '微信小程序开发' },
  titletype: kindField,
  price: {
    type: 'yuan',
    en: 'Budget in yuan, moved into escrow when the demand is paid.',
    example: '1500.50',
  },
  pricetype: settlementField,
  address: {
    type: 'cascader',
    en: 'Where the work is done; cascader arrays are joined with `,`.',
    example: ['广东省', '深圳市', '南山区'],
  },
  timeb: { type: 'date', en: 'Work starts.', example: '2026-12-01' },
  timee: { type: 'date', en: 'Work ends; not before the start.', example: '2026-12-31' },
  sort: { type: 'text', en: 'Category, up to 100 characters.', example: '软件开发' },
  des: {
    type: 'text',
    en: 'Details, up to 5000 characters; line breaks kept.',
    example: '开发一个预约小程序，含后台',
  },
  file: {
    type: 'fileRefs',
    zh: '附加文件',
    en: 'Attachments: your uploads. On edit, the list replaces the old one; absent keeps it.',
    example: exampleUploadUrl,
  },
};

const demandExample = {
  title: '微信小程序开发',
  titletype: 1,
  price: '1500.50',
  pricetype: 2,
  address: ['广东省', '深圳市', '南山区'],
  timeb: '2026-12-01',
  timee: '2026-12-31',
  sort: '软件开发',
  des: '开发一个预约小程序，含后台',
};

const demandId = (en: string): LegacyFieldDoc => ({ type: 'integer', en, example: 12 });

const flag = (en: string): LegacyFieldDoc => ({ type: 'flag', en, example: 0 });

const ownDemandLabels = {
  ...at('data[]', demandOutputLabels),
  ...at('data[].order_id_list[]', applicationOutputLabels),
  ...at('data[].order_id_ok[]', applicationOutputLabels),
};

/** `/user/goods/*` (the owner's side of demands) and the public `/index/goods/*`. */
export const demandDocs = legacyDocs({
  '/user/goods/add': {
    summary: { zh: '需求发布', en: 'Post a demand' },
    description:
      'The demand starts 未审核 (awaiting review), 未支付 and 未结算. Answers its `id` and `goodsid` ' +
      '(the order number).',
    fields: demandFields,
    example: { as: 'employer', request: demandExample },
  },
  '/user/goods/edit': {
    summary: { zh: '需求修改', en: 'Edit a demand' },
    description:
      'Owner only, until the demand is paid. Every field is sent again; the edit goes back to review.',
    fields: { id: demandId('The demand.'), ...demandFields },
    example: {
      as: 'employer',
      request: { id: 12, ...demandExample, title: '微信小程序开发（含后台）' },
      live: async (w) => ({ id: (await w.demand('pending')).id }),
    },
  },
  '/user/goods/info': {
    summary: { zh: '需求查询', en: 'Read one of my demands' },
    description: 'The owner’s view, with the review’s `reason` when it was rejected.',
    fields: { id: demandId('The demand (one of yours).') },
    labels: demandOutputLabels,
    example: {
      as: 'employer',
      request: { id: 12 },
      live: async (w) => ({ id: (await w.demand('pending')).id }),
    },
  },
  '/user/goods/index': {
    summary: { zh: '需求列表', en: 'List my demands' },
    description:
      'Newest first, filtered by what is given. Each row carries all its applications (`order_id_list`) and ' +
      'the selected ones (`order_id_ok`; `""` while nobody is selected, since clients read an empty array as ' +
      '"already matched"), with the applicants’ `phone`. An application’s `price` is its share of the ' +
      'demand’s price once selected (split evenly in fen, the remainder to the oldest), then what was paid.',
    fields: {
      title: { type: 'text', en: 'Only titles containing this text.', example: '小程序' },
      show: flag('Review state: 0 awaiting review (or rejected), 1 approved.'),
      pay: flag('0 unpaid, 1 paid.'),
      suan: flag('0 unsettled, 1 settled.'),
      titletype: { ...kindField, en: 'Only this kind of work.' },
      pricetype: { ...settlementField, en: 'Only this way of paying.' },
      ...pageFieldDocs,
    },
    labels: ownDemandLabels,
    example: {
      as: 'employer',
      request: { page: 1 },
      live: async (w) => {
        await w.application('selected');
        return {};
      },
    },
  },
  '/user/goods/del': {
    summary: { zh: '需求删除', en: 'Delete a demand' },
    description: 'Refused once the demand is paid, settled or has a selected applicant.',
    fields: { id: demandId('The demand (one of yours).') },
    example: {
      as: 'employer',
      request: { id: 12 },
      live: async (w) => ({ id: (await w.demand('pending')).id }),
    },
  },
  '/user/goods/delfile': {
    summary: { zh: '需求附加文件删除', en: 'Remove an attachment of a demand' },
    fields: {
      id: {
        type: 'integer',
        zh: '文件ID',
        en: 'The attachment’s id (`files[].id` of the demand).',
        example: 40,
      },
    },
    example: {
      as: 'employer',
      request: { id: 40 },
      live: async (w) => ({ id: (await w.demand('pending')).fileIds[0] }),
    },
  },
  '/index/goods/index': {
    summary: { zh: '前台需求列表', en: 'Browse reviewed demands' },
    description: 'Public: approved demands, newest first.',
    fields: {
      titletype: { ...kindField, en: 'Only this kind of work.' },
      title: {
        type: 'text',
        en: 'Only titles containing this text (not in the old API).',
        example: '小程序',
      },
      ...pageFieldDocs,
    },
    labels: at('data[]', demandOutputLabels),
    example: {
      request: { titletype: 1, page: 1 },
      live: async (w) => {
        await w.demand('approved');
        return {};
      },
    },
  },
  '/index/goods/goodsinfo': {
    summary: { zh: '前台需求详情', en: 'Read a reviewed demand' },
    description:
      'Public. Adds `order_sum` (applications so far), `companyinfo` (the poster’s verified company, or ' +
      'null) and `files`. With the login fields, an owner can also open their own unreviewed demand.',
    fields: { id: demandId('The demand.') },
    labels: demandOutputLabels,
    example: { request: { id: 12 }, live: async (w) => ({ id: (await w.demand('approved')).id }) },
  },
});
