import type { InvoiceRequest, Recharge } from '../../features/money/money.schemas.js';
import { formatLegacyDate } from './dates.js';
import { fenToYuan } from './values.js';

/** `isbill` of recharges and invoice requests. */
export const invoicedLabel = (invoiced: boolean) => (invoiced ? '已开票' : '未开票');

/** A recharge record as `invest_log` / `pay_log` showed it. */
export function encodeRecharge(r: Recharge, timeZone: string) {
  return {
    id: r.id,
    uid: r.userId,
    price: fenToYuan(r.amountFen),
    time: formatLegacyDate(r.createdAt, timeZone),
    isbill: invoicedLabel(r.invoiced),
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
    isbill: invoicedLabel(i.issued),
  };
}
