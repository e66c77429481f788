import {
  billingLabels,
  encodeInvoiceRequest,
  encodeRecharge,
  rechargeFilterFields,
} from '../codecs/money.js';
import { at, encodePaginator } from '../codecs/paginator.js';
import { kinds, pageFields } from '../fields.js';
import { type LegacyRoute, legacyRoute, noData } from '../route.js';

/** The deployed client calls the recharge list by both names. */
const rechargeList = (path: string) =>
  legacyRoute({
    path,
    summary: { zh: '用户充值记录', en: 'List my recharges' },
    description:
      'Money credited to the wallet, newest first; `isbill` tells whether an invoice was requested.',
    auth: 'session',
    fields: { ...rechargeFilterFields, ...pageFields },
    procedure: 'billing.recharges',
    encode: (page, { timeZone }) => encodePaginator(page, (r) => encodeRecharge(r, timeZone)),
    labels: at('data[]', billingLabels),
    example: {
      as: 'employer',
      request: { page: 1 },
      live: async (w) => {
        await w.recharge();
        return {};
      },
    },
  });

/** Paying demands and applications, recharge records and invoice requests (CONTRACT.md §5–6). */
export const moneyRoutes: LegacyRoute[] = [
  legacyRoute({
    path: '/user/goods/goodspay',
    summary: { zh: '企业用户需求支付', en: 'Pay a demand into escrow' },
    description:
      'Moves the demand’s `price` from the wallet into its escrow; `余额不足` when the wallet is short. ' +
      'Paying twice moves money once. A rejected demand is edited for review again before it is paid.',
    auth: 'session',
    fields: {
      id: {
        to: 'demandId',
        label: '需求ID',
        kind: kinds.integer,
        en: 'The demand (one of yours).',
        example: 12,
      },
    },
    procedure: 'payments.payDemand',
    encode: noData,
    example: {
      as: 'employer',
      request: { id: 12 },
      live: async (w) => ({ id: (await w.demand('approved')).id }),
    },
  }),
  legacyRoute({
    path: '/user/goods/pay',
    summary: { zh: '企业用户确认成果', en: 'Accept a delivery and pay it' },
    description:
      'Pays a delivered application from the demand’s escrow: its allocated share (the row’s `price`) when ' +
      '`price` is 0, empty or absent, else the given amount. An amount above the share can leave escrow short ' +
      'of the other shares: what is left is then shared anew among the applications still to be paid. When ' +
      'every selected application is paid, the demand becomes 已结算 and any escrow left returns to the ' +
      'owner’s wallet.',
    auth: 'session',
    fields: {
      id: {
        to: 'applicationId',
        label: '需求申请ID',
        kind: kinds.integer,
        en: 'The application (delivered, of your demand).',
        example: 25,
      },
      price: {
        to: 'amountFen',
        label: '金额',
        kind: kinds.yuanOrShare,
        en: 'Amount to pay, in yuan, at most what escrow has left; 0, empty or absent pays the allocated share.',
        example: '1500.50',
      },
    },
    procedure: 'payments.payApplication',
    encode: noData,
    example: {
      as: 'employer',
      request: { id: 25, price: '1500.50' },
      live: async (w) => ({ id: (await w.application('delivered')).id }),
    },
  }),
  rechargeList('/user/pay_log/index'),
  rechargeList('/user/invest_log/index'),
  legacyRoute({
    path: '/user/bill_log/index',
    summary: { zh: '发票申请记录', en: 'List my invoice requests' },
    description: '`inverst_id` is the recharge; `opentime` is empty until the invoice is issued.',
    auth: 'session',
    fields: pageFields,
    procedure: 'billing.invoiceRequests',
    encode: (page, { timeZone }) => encodePaginator(page, (i) => encodeInvoiceRequest(i, timeZone)),
    labels: at('data[]', billingLabels),
    example: {
      as: 'employer',
      request: { page: 1 },
      live: async (w) => {
        await w.recharge();
        return {};
      },
    },
  }),
  legacyRoute({
    path: '/user/bill_log/add',
    summary: { zh: '申请发票', en: 'Request invoices' },
    description: 'One invoice request per recharge, each not invoiced before. Answers the recharge ids.',
    auth: 'session',
    fields: {
      inverst_id: {
        to: 'rechargeIds',
        label: '充值记录ID',
        kind: kinds.idList,
        en: 'Your recharges to invoice; also accepted as `id`.',
        example: '3,4',
        aliases: ['id'],
      },
    },
    procedure: 'billing.requestInvoices',
    encode: (result) => ({ inverst_id: result.rechargeIds }),
    example: {
      as: 'employer',
      request: { inverst_id: '3' },
      live: async (w) => ({ inverst_id: String(await w.recharge()) }),
    },
  }),
];
