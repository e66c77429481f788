import { flagLabels } from '../codecs/labels.js';
import { encodeInvoiceRequest, encodeRecharge } from '../codecs/money.js';
import { decodePageFields, encodePaginator } from '../codecs/paginator.js';
import { firstOf, flagCode, idList, integer, type LegacyFields, yuanToFen } from '../codecs/values.js';
import { legacyRoute, noData } from '../route.js';

const pageLabels = { page: '页数', perPage: '每页条数' };

const rechargeList = (path: string) =>
  legacyRoute({
    path,
    labels: { invoiced: '开票状态', ...pageLabels },
    // `bill` filters on invoiced (1) or not (0); absent or blank (the client's 全部 tab) lists all.
    decode: (f: LegacyFields) => ({
      invoiced: flagCode(f.bill, flagLabels.invoiced),
      ...decodePageFields(f),
    }),
    call: (api, input) => api.billing.recharges(input),
    encode: (page, { timeZone }) => encodePaginator(page, (r) => encodeRecharge(r, timeZone)),
  });

/** Paying demands and applications, recharge records and invoice requests. */
export const moneyRoutes = [
  legacyRoute({
    path: '/user/goods/goodspay',
    labels: { demandId: '需求ID' },
    decode: (f) => ({ demandId: integer(f.id) }),
    call: (api, input) => api.payments.payDemand(input),
    encode: noData,
  }),
  legacyRoute({
    path: '/user/goods/pay',
    labels: { applicationId: '需求申请ID', amountFen: '金额' },
    // The client has no amount box and sends the row's `price`: 0, empty or absent pays the share.
    decode: (f) => ({ applicationId: integer(f.id), amountFen: yuanToFen(f.price) || undefined }),
    call: (api, input) => api.payments.payApplication(input),
    encode: noData,
  }),
  // The deployed client calls the recharge list by both names.
  rechargeList('/user/pay_log/index'),
  rechargeList('/user/invest_log/index'),
  legacyRoute({
    path: '/user/bill_log/index',
    labels: pageLabels,
    decode: decodePageFields,
    call: (api, input) => api.billing.invoiceRequests(input),
    encode: (page, { timeZone }) => encodePaginator(page, (i) => encodeInvoiceRequest(i, timeZone)),
  }),
  legacyRoute({
    path: '/user/bill_log/add',
    labels: { rechargeIds: '充值记录ID' },
    decode: (f) => ({ rechargeIds: idList(firstOf(f, 'inverst_id', 'id')) }),
    call: (api, input) => api.billing.requestInvoices(input),
    encode: (result) => ({ inverst_id: result.rechargeIds }),
  }),
];
