import { pageFieldDocs } from './common.js';
import { at, billingOutputLabels } from './labels.js';
import { type LegacyRouteDoc, legacyDocs } from './types.js';

const rechargeList = (zh: string): LegacyRouteDoc => ({
  summary: { zh, en: 'List my recharges' },
  description: 'Money credited to the wallet, newest first; `isbill` tells whether an invoice was requested.',
  fields: {
    bill: {
      type: 'flag',
      en: 'Only recharges not invoiced (0) or invoiced (1); absent lists all.',
      example: 0,
    },
    ...pageFieldDocs,
  },
  labels: at('data[]', billingOutputLabels),
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
export const moneyDocs = legacyDocs({
  '/user/goods/goodspay': {
    summary: { zh: '企业用户需求支付', en: 'Pay a demand into escrow' },
    description:
      'Moves the demand’s `price` from the wallet into its escrow; `余额不足` when the wallet is short. ' +
      'Paying twice moves money once.',
    fields: { id: { type: 'integer', en: 'The demand (one of yours).', example: 12 } },
    example: {
      as: 'employer',
      request: { id: 12 },
      live: async (w) => ({ id: (await w.demand('approved')).id }),
    },
  },
  '/user/goods/pay': {
    summary: { zh: '企业用户确认成果', en: 'Accept a delivery and pay it' },
    description:
      'Pays a delivered application from the demand’s escrow: its allocated share (the row’s `price`) when ' +
      '`price` is 0, empty or absent, else the given amount. When every selected application is paid, the ' +
      'demand becomes 已结算 and any escrow left returns to the owner’s wallet.',
    fields: {
      id: { type: 'integer', en: 'The application (delivered, of your demand).', example: 25 },
      price: {
        type: 'yuan',
        en: 'Amount to pay, in yuan, at most what escrow has left; 0, empty or absent pays the allocated share.',
        example: '1500.50',
      },
    },
    example: {
      as: 'employer',
      request: { id: 25, price: '1500.50' },
      live: async (w) => ({ id: (await w.application('delivered')).id }),
    },
  },
  '/user/pay_log/index': rechargeList('用户充值记录'),
  '/user/invest_log/index': rechargeList('用户充值记录'),
  '/user/bill_log/index': {
    summary: { zh: '发票申请记录', en: 'List my invoice requests' },
    description: '`inverst_id` is the recharge; `opentime` is empty until the invoice is issued.',
    fields: pageFieldDocs,
    labels: at('data[]', billingOutputLabels),
    example: {
      as: 'employer',
      request: { page: 1 },
      live: async (w) => {
        await w.recharge();
        return {};
      },
    },
  },
  '/user/bill_log/add': {
    summary: { zh: '申请发票', en: 'Request invoices' },
    description: 'One invoice request per recharge, each not invoiced before. Answers the recharge ids.',
    fields: {
      inverst_id: { type: 'idList', en: 'Your recharges to invoice.', example: '3,4' },
      id: { type: 'idList', zh: '充值记录ID', en: 'Same as `inverst_id`.', aliasOf: 'inverst_id' },
    },
    example: {
      as: 'employer',
      request: { inverst_id: '3' },
      live: async (w) => ({ inverst_id: String(await w.recharge()) }),
    },
  },
});
