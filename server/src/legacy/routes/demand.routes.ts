import {
  decodeDemand,
  decodeKind,
  decodeSettlement,
  demandLabels,
  encodeDemand,
  encodeOwnDemand,
  encodePublicDemand,
} from '../codecs/demand.js';
import { flagLabels } from '../codecs/labels.js';
import { decodePageFields, encodePaginator } from '../codecs/paginator.js';
import { enumCode, flagCode, integer, type LegacyFields, optionalText } from '../codecs/values.js';
import { legacyRoute, noData, sessionFields } from '../route.js';

/** `show`: 0 未审核, 1 已审核 (by code or label); absent or blank means "do not filter". */
const reviewFilter = (value: unknown) =>
  enumCode(value, { 0: 'pending', 1: 'approved' } as const, { 未审核: 'pending', 已审核: 'approved' });

const ownListFilter = (f: LegacyFields) => ({
  title: optionalText(f.title),
  review: reviewFilter(f.show),
  paid: flagCode(f.pay, flagLabels.paid),
  settled: flagCode(f.suan, flagLabels.settled),
  kind: decodeKind(f.titletype),
  settlement: decodeSettlement(f.pricetype),
  ...decodePageFields(f),
});

const pageLabels = { page: '页数', perPage: '每页条数' };

/** `/user/goods/*` (the owner's side of demands) and the public `/index/goods/*`. */
export const demandRoutes = [
  legacyRoute({
    path: '/user/goods/add',
    labels: demandLabels,
    decode: decodeDemand,
    call: (api, input) => api.demands.create(input),
    encode: (created) => ({ id: created.id, goodsid: created.orderNo }),
  }),
  legacyRoute({
    path: '/user/goods/edit',
    labels: demandLabels,
    decode: (f, request) => ({ id: integer(f.id), ...decodeDemand(f, request) }),
    call: (api, input) => api.demands.update(input),
    encode: noData,
  }),
  legacyRoute({
    path: '/user/goods/info',
    labels: demandLabels,
    decode: (f) => ({ id: integer(f.id) }),
    call: (api, input) => api.demands.mine(input),
    encode: (demand, { timeZone }) => encodeDemand(demand, timeZone),
  }),
  legacyRoute({
    path: '/user/goods/index',
    labels: {
      title: '标题',
      review: '审核状态',
      paid: '付款状态',
      settled: '结算状态',
      kind: '类型',
      settlement: '结算方式',
      ...pageLabels,
    },
    decode: ownListFilter,
    call: (api, input) => api.demands.listMine(input),
    encode: (page, { timeZone }) => encodePaginator(page, (d) => encodeOwnDemand(d, timeZone)),
  }),
  legacyRoute({
    path: '/user/goods/del',
    labels: demandLabels,
    decode: (f) => ({ id: integer(f.id) }),
    call: (api, input) => api.demands.remove(input),
    encode: noData,
  }),
  legacyRoute({
    path: '/user/goods/delfile',
    labels: { fileId: '文件ID' },
    decode: (f) => ({ fileId: integer(f.id) }),
    call: (api, input) => api.demands.removeFile(input),
    encode: noData,
  }),
  legacyRoute({
    path: '/index/goods/index',
    labels: { kind: '类型', title: '标题', ...pageLabels },
    decode: (f) => ({
      kind: decodeKind(f.titletype),
      // Not in the old API: title search, an extra field old clients never send.
      title: optionalText(f.title),
      ...decodePageFields(f),
    }),
    call: (api, input) => api.demands.list(input),
    encode: (page, { timeZone }) => encodePaginator(page, (d) => encodeDemand(d, timeZone)),
  }),
  legacyRoute({
    path: '/index/goods/goodsinfo',
    labels: { id: '需求ID' },
    // Login fields are optional here: with them, an owner can open their own unreviewed demand.
    credentials: (f) => (f.token_check ? sessionFields(f) : {}),
    decode: (f) => ({ id: integer(f.id) }),
    call: (api, input) => api.demands.get(input),
    encode: (demand, { timeZone }) => encodePublicDemand(demand, timeZone),
  }),
];
