import {
  applicationLabels,
  demandFields,
  demandId,
  demandLabels,
  encodeDemand,
  encodeOwnDemand,
  encodePublicDemand,
  ownDemandFilterFields,
} from '../codecs/demand.js';
import { at, encodePaginator } from '../codecs/paginator.js';
import { kinds, pageFields } from '../fields.js';
import { type LegacyRoute, legacyRoute, noData } from '../route.js';

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

/** `/user/goods/*` (the owner's side of demands) and the public `/index/goods/*`. */
export const demandRoutes: LegacyRoute[] = [
  legacyRoute({
    path: '/user/goods/add',
    summary: { zh: '需求发布', en: 'Post a demand' },
    description:
      'The demand starts 未审核 (awaiting review), 未支付 and 未结算. Answers its `id` and `goodsid` ' +
      '(the order number).',
    auth: 'session',
    fields: demandFields,
    procedure: 'demands.create',
    encode: (created) => ({ id: created.id, goodsid: created.orderNo }),
    example: { as: 'employer', request: demandExample },
  }),
  legacyRoute({
    path: '/user/goods/edit',
    summary: { zh: '需求修改', en: 'Edit a demand' },
    description:
      'Owner only, until the demand is paid. Every field is sent again, but for `sort` and `file`: absent, ' +
      'they keep what is stored (the old document’s edit has neither). The edit goes back to review.',
    auth: 'session',
    fields: { id: demandId('The demand.'), ...demandFields },
    procedure: 'demands.update',
    encode: noData,
    example: {
      as: 'employer',
      request: { id: 12, ...demandExample, title: '微信小程序开发（含后台）' },
      live: async (w) => ({ id: (await w.demand('pending')).id }),
    },
  }),
  legacyRoute({
    path: '/user/goods/info',
    summary: { zh: '需求查询', en: 'Read one of my demands' },
    description: 'The owner’s view, with the review’s `reason` when it was rejected.',
    auth: 'session',
    fields: { id: demandId('The demand (one of yours).') },
    procedure: 'demands.getMine',
    encode: (demand, { timeZone }) => encodeDemand(demand, timeZone),
    labels: demandLabels,
    example: {
      as: 'employer',
      request: { id: 12 },
      live: async (w) => ({ id: (await w.demand('pending')).id }),
    },
  }),
  legacyRoute({
    path: '/user/goods/index',
    summary: { zh: '需求列表', en: 'List my demands' },
    description:
      'Newest first, filtered by what is given. Each row carries all its applications (`order_id_list`) and ' +
      'the selected ones (`order_id_ok`; `""` while nobody is selected, since clients read an empty array as ' +
      '"already matched"), with the applicants’ `phone`. An application’s `price` is its share of the ' +
      'demand’s price once selected (split evenly in fen, the remainder to the oldest), then what was paid. ' +
      '`show` 0 finds demands awaiting review and rejected ones, which both show as 未审核.',
    auth: 'session',
    fields: { ...ownDemandFilterFields, ...pageFields },
    procedure: 'demands.listMine',
    encode: (page, { timeZone }) => encodePaginator(page, (d) => encodeOwnDemand(d, timeZone)),
    labels: {
      ...at('data[]', demandLabels),
      ...at('data[].order_id_list[]', applicationLabels),
      ...at('data[].order_id_ok[]', applicationLabels),
    },
    example: {
      as: 'employer',
      request: { page: 1 },
      live: async (w) => {
        await w.application('selected');
        return {};
      },
    },
  }),
  legacyRoute({
    path: '/user/goods/del',
    summary: { zh: '需求删除', en: 'Delete a demand' },
    description: 'Refused once the demand is paid, settled or has a selected applicant.',
    auth: 'session',
    fields: { id: demandId('The demand (one of yours).') },
    procedure: 'demands.remove',
    encode: noData,
    example: {
      as: 'employer',
      request: { id: 12 },
      live: async (w) => ({ id: (await w.demand('pending')).id }),
    },
  }),
  legacyRoute({
    path: '/user/goods/delfile',
    summary: { zh: '需求附加文件删除', en: 'Remove an attachment of a demand' },
    auth: 'session',
    fields: {
      id: {
        to: 'fileId',
        label: '文件ID',
        kind: kinds.integer,
        en: 'The attachment’s id (`files[].id` of the demand).',
        example: 40,
      },
    },
    procedure: 'demands.removeFile',
    encode: noData,
    example: {
      as: 'employer',
      request: { id: 40 },
      live: async (w) => ({ id: (await w.demand('pending')).fileIds[0] }),
    },
  }),
  legacyRoute({
    path: '/index/goods/index',
    summary: { zh: '前台需求列表', en: 'Browse reviewed demands' },
    description:
      'Public: approved demands, newest first. A title search counts at most 10,000 matches: past that ' +
      'the paginator says `total: 10000` and its `last_page`, and later pages are empty. A client may have ' +
      'a few title searches in flight at once; past that it is answered `搜索请求过多，请稍后再试`.',
    auth: 'none',
    fields: {
      titletype: ownDemandFilterFields.titletype,
      title: {
        to: 'title',
        label: '标题',
        kind: kinds.textFilter,
        en:
          'Only titles containing this text (not in the old API). Counts at most 10,000 matches: `total` ' +
          'is then 10000 and pages stop at the 10,000th.',
        example: '小程序',
      },
      ...pageFields,
    },
    procedure: 'demands.list',
    encode: (page, { timeZone }) => encodePaginator(page, (d) => encodeDemand(d, timeZone)),
    labels: at('data[]', demandLabels),
    example: {
      request: { titletype: 1, page: 1 },
      live: async (w) => {
        await w.demand('approved');
        return {};
      },
    },
  }),
  legacyRoute({
    path: '/index/goods/goodsinfo',
    summary: { zh: '前台需求详情', en: 'Read a reviewed demand' },
    description:
      'Public. Adds `order_sum` (applications so far), `companyinfo` (the poster’s verified company, or ' +
      'null) and `files`. With the login fields, an owner can also open their own unreviewed demand.',
    auth: 'optional',
    fields: { id: demandId('The demand.') },
    procedure: 'demands.get',
    encode: (demand, { timeZone }) => encodePublicDemand(demand, timeZone),
    labels: demandLabels,
    example: { request: { id: 12 }, live: async (w) => ({ id: (await w.demand('approved')).id }) },
  }),
];
