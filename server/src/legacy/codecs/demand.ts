import type { Application, MyApplication } from '../../features/applications/application.schemas.js';
import {
  type Demand,
  type DemandKind,
  kindCodes,
  type PublicDemand,
  type Settlement,
  settlementCodes,
} from '../../features/demands/demand.schemas.js';
import type { LegacyRequest } from '../route.js';
import { formatLegacyDate, parseLegacyDate } from './dates.js';
import {
  applicationPaidLabel,
  byLabel,
  deliveredLabel,
  demandKindLabels,
  demandPaidLabel,
  reviewLabels,
  selectedLabel,
  settledLabel,
  settlementLabels,
} from './labels.js';
import { commaList, enumCode, fenToYuan, joinedText, type LegacyFields, text, yuanToFen } from './values.js';

/** Legacy codes (`titletype`, `pricetype`) are the stored ones; inverting the typed tables keeps one source. */
const byCode = <T extends string>(codes: Record<T, number>) =>
  Object.fromEntries(Object.entries(codes).map(([name, code]) => [code, name])) as Record<number, T>;
const kindByCode = byCode<DemandKind>(kindCodes);
const settlementByCode = byCode<Settlement>(settlementCodes);
const kindByLabel = byLabel(demandKindLabels);
const settlementByLabel = byLabel(settlementLabels);
export const decodeKind = (value: unknown) => enumCode(value, kindByCode, kindByLabel);
export const decodeSettlement = (value: unknown) => enumCode(value, settlementByCode, settlementByLabel);

/** Chinese names of the demand fields, from seed/api.txt. */
export const demandLabels = {
  id: '需求ID',
  title: '任务名称',
  kind: '类型',
  priceFen: '项目金额',
  settlement: '结算方式',
  address: '工作地点',
  workStart: '工作时间起',
  workEnd: '工作时间止',
  category: '分类',
  description: '详情',
  files: '附加文件',
} as const;

/** The add/edit fields of `/user/goods/*` into the typed demand input. */
export function decodeDemand(f: LegacyFields, { timeZone }: LegacyRequest) {
  return {
    title: text(f.title),
    kind: decodeKind(f.titletype),
    priceFen: yuanToFen(f.price),
    settlement: decodeSettlement(f.pricetype),
    address: joinedText(f.address),
    workStart: parseLegacyDate(f.timeb, timeZone),
    workEnd: parseLegacyDate(f.timee, timeZone),
    category: text(f.sort) ?? '',
    description: text(f.des),
    ...(f.file === undefined ? {} : { files: commaList(f.file) }),
  };
}

/** A demand as the old `goods` model showed it. */
export function encodeDemand(d: Omit<Demand, 'reviewReason'> & { reviewReason?: string }, timeZone: string) {
  return {
    id: d.id,
    goodsid: d.orderNo,
    uid: d.ownerId,
    user_id: d.ownerId,
    title: d.title,
    titletype: demandKindLabels[d.kind],
    price: fenToYuan(d.priceFen),
    pricetype: settlementLabels[d.settlement],
    address: d.address,
    timeb: formatLegacyDate(d.workStart, timeZone),
    timee: formatLegacyDate(d.workEnd, timeZone),
    sort: d.category,
    des: d.description,
    file: d.files.map((file) => file.url).join(','),
    files: d.files,
    show: reviewLabels[d.review],
    ...(d.reviewReason === undefined ? {} : { reason: d.reviewReason }),
    pay: demandPaidLabel(d.paid),
    suan: settledLabel(d.settled),
    // The old `order_id`: the selected applications, comma-joined; `""` while nobody is selected.
    order_id: d.selectedApplicationIds.join(','),
    time: formatLegacyDate(d.createdAt, timeZone),
  };
}

export function encodePublicDemand(d: PublicDemand, timeZone: string) {
  return withFields(encodeDemand(d, timeZone), {
    order_sum: d.applicationCount,
    companyinfo: d.companyName === null ? null : { name: d.companyName },
  });
}

/** An application as the old `goods_order` model showed it; `phone` only where the reader may see it. */
export function encodeApplication(a: Application, timeZone: string) {
  return {
    id: a.id,
    goods_id: a.demandId,
    user_id: a.applicantId,
    msg: a.message,
    file: a.files.join(','),
    over: a.deliveryPreview.join(','),
    source: a.deliverySource ?? '',
    time: formatLegacyDate(a.createdAt, timeZone),
    // 雇主分配金额: the share allocated at selection until paid, then what was paid.
    price: fenToYuan(a.paid ? a.paidFen : a.allocatedFen),
    pay: applicationPaidLabel(a.paid),
    state: selectedLabel(a.selected),
    ok: deliveredLabel(a.delivered),
    ...(a.applicantPhone === null ? {} : { phone: a.applicantPhone }),
  };
}

/** A row of the owner's `/user/goods/index`: the demand with all and with the selected applications. */
export function encodeOwnDemand(d: Demand & { applications: Application[] }, timeZone: string) {
  const applications = d.applications.map((a) => encodeApplication(a, timeZone));
  const selected = applications.filter((_, i) => d.applications[i]?.selected);
  return withFields(encodeDemand(d, timeZone), {
    order_id_list: applications,
    // The client reads any truthy value, an empty array too, as "already matched" and then offers
    // no payment: `""` while nobody is selected (CONTRACT.md §5).
    order_id_ok: selected.length > 0 ? selected : '',
  });
}

export function encodeMyApplication(a: MyApplication, timeZone: string, demandField: 'goods' | 'goodsinfo') {
  return withFields(encodeApplication(a, timeZone), { [demandField]: encodeDemand(a.demand, timeZone) });
}

/**
 * Adds fields to a row this codec just built. Not `{ ...row, ...more }`: spreading a 20-field
 * object costs ~3 µs in V8 (once per row of a page), adding two fields to it ~0.05 µs.
 */
function withFields<Row extends object, More extends object>(row: Row, more: More): Row & More {
  return Object.assign(row, more);
}
