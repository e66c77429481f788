import type { InvoiceRequest, Recharge } from '../../features/money/money.schemas.js';
import { invoiced } from '../enums.js';
import { enumFilter, type LegacyFields } from '../fields.js';
import { formatLegacyDate } from './dates.js';

/** Fen back into the yuan number legacy clients `parseFloat` and `toFixed`. */
export const fenToYuan = (fen: number) => fen / 100;

/** `bill` of the recharge lists; blank (the client's 全部 tab sends `" "`) lists all. */
export const rechargeFilterFields = {
  bill: {
    to: 'invoiced',
    label: '开票状态',
    kind: enumFilter(invoiced),
    en: 'Only recharges with (1) or without (0) an invoice request.',
    example: 0,
  },
} satisfies LegacyFields;

/** A recharge record as `invest_log` / `pay_log` showed it. */
export function encodeRecharge(r: Recharge, timeZone: string) {
  return {
    id: r.id,
    uid: r.userId,
    price: fenToYuan(r.amountFen),
    time: formatLegacyDate(r.createdAt, timeZone),
    isbill: invoiced.label(r.invoiced),
    note: r.note,
  };
}

/** An invoice request as `bill_log` showed it. */
export function encodeInvoiceRequest(i: InvoiceRequest, timeZone: string) {
  return {
    id: i.id,
    uid: i.userId,
    inverst_id: i.rechargeId,
    price: fenToYuan(i.amountFen),
    apptime: formatLegacyDate(i.requestedAt, timeZone),
    opentime: formatLegacyDate(i.issuedAt, timeZone),
    isbill: invoiced.label(i.issued),
  };
}

export const billingLabels = { isbill: invoiced.labels };
