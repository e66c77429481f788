import { encodeMyApplication } from '../codecs/demand.js';
import { decodePageFields, encodePaginator } from '../codecs/paginator.js';
import { commaList, idList, integer, text } from '../codecs/values.js';
import { legacyRoute, noData } from '../route.js';

/** Applications: the applicant's `/user/goods_order/*` and the employer's selection `/user/goods/ok`. */
export const applicationRoutes = [
  legacyRoute({
    path: '/user/goods_order/add',
    labels: { demandId: '项目ID', message: '申请理由', files: '申请作品预览' },
    decode: (f) => ({ demandId: integer(f.goods_id), message: text(f.msg), files: commaList(f.file) }),
    call: (api, input) => api.applications.submit(input),
    encode: (created) => ({ id: created.id }),
  }),
  legacyRoute({
    path: '/user/goods_order/isadd',
    labels: { demandId: '项目ID' },
    decode: (f) => ({ demandId: integer(f.id) }),
    call: (api, input) => api.applications.checkCanApply(input),
    encode: noData,
  }),
  legacyRoute({
    path: '/user/goods_order/index',
    labels: { page: '页数', perPage: '每页条数' },
    decode: decodePageFields,
    call: (api, input) => api.applications.listMine(input),
    encode: (page, { timeZone }) => encodePaginator(page, (a) => encodeMyApplication(a, timeZone, 'goods')),
  }),
  legacyRoute({
    path: '/user/goods_order/info',
    labels: { applicationId: '申请ID' },
    decode: (f) => ({ applicationId: integer(f.id) }),
    call: (api, input) => api.applications.getMine(input),
    encode: (application, { timeZone }) => encodeMyApplication(application, timeZone, 'goodsinfo'),
  }),
  legacyRoute({
    path: '/user/goods_order/ok',
    labels: { applicationId: '需求申请ID', preview: '完成效果预览', source: '成果稿件压缩包' },
    decode: (f) => ({
      applicationId: integer(f.id),
      preview: commaList(f.over),
      source: text(Array.isArray(f.source) ? f.source[0] : f.source),
    }),
    call: (api, input) => api.applications.deliver(input),
    encode: noData,
  }),
  legacyRoute({
    path: '/user/goods_order/del',
    labels: { applicationId: '申请ID' },
    decode: (f) => ({ applicationId: integer(f.id) }),
    call: (api, input) => api.applications.withdraw(input),
    encode: noData,
  }),
  legacyRoute({
    path: '/user/goods/ok',
    labels: { demandId: '需求ID', applicationIds: '申请ID' },
    decode: (f) => ({ demandId: integer(f.goods_id), applicationIds: idList(f.order_id) }),
    call: (api, input) => api.applications.select(input),
    encode: (result) => ({ order_id: result.selected }),
  }),
];
