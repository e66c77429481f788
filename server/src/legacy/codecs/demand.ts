import type { Application, MyApplication } from '../../features/applications/application.schemas.js';
import type { Demand, PublicDemand } from '../../features/demands/demand.schemas.js';
import {
  applicationDelivered,
  applicationPaid,
  applicationSelected,
  demandKinds,
  demandPaid,
  demandReview,
  demandSettled,
  settlements,
} from '../enums.js';
import { enumFilter, enumKind, kinds, type LegacyFields } from '../fields.js';
import { exampleUploadUrl } from './common.js';
import { formatLegacyDate } from './dates.js';
import { fenToYuan } from './money.js';

/** The demand (`goods`) and application (`goods_order`) of the old models, both ways. */

export const demandId = (en: string) =>
  ({ to: 'id', label: '需求ID', kind: kinds.integer, en, example: 12 }) as const;

/** The fields of `/user/goods/add` and `/user/goods/edit`. */
export const demandFields = {
  title: {
    to: 'title',
    label: '任务名称',
    kind: kinds.text,
    en: 'Title, 2–100 characters.',
    example: '微信小程序开发',
  },
  titletype: { to: 'kind', label: '类型', kind: enumKind(demandKinds), en: 'Kind of work.', example: 1 },
  price: {
    to: 'priceFen',
    label: '项目金额',
    kind: kinds.yuan,
    en: 'Budget in yuan, moved into escrow when the demand is paid.',
    example: '1500.50',
  },
  pricetype: {
    to: 'settlement',
    label: '结算方式',
    kind: enumKind(settlements),
    en: 'How the work is paid.',
    example: 2,
  },
  address: {
    to: 'address',
    label: '工作地点',
    kind: kinds.cascader,
    en: 'Where the work is done.',
    example: ['广东省', '深圳市', '南山区'],
  },
  timeb: {
    to: 'workStart',
    label: '工作时间起',
    kind: kinds.date,
    en: 'Work starts.',
    example: '2026-12-01',
  },
  timee: {
    to: 'workEnd',
    label: '工作时间止',
    kind: kinds.date,
    en: 'Work ends; not before the start.',
    example: '2026-12-31',
  },
  sort: {
    to: 'category',
    label: '分类',
    kind: kinds.text,
    en: 'Category, up to 100 characters.',
    example: '软件开发',
  },
  des: {
    to: 'description',
    label: '详情',
    kind: kinds.text,
    en: 'Details, up to 5000 characters; line breaks kept.',
    example: '开发一个预约小程序，含后台',
  },
  file: {
    to: 'files',
    label: '附加文件',
    kind: kinds.urls,
    en: 'Attachments: your uploads. On edit, the list replaces the old one; absent keeps it.',
    example: exampleUploadUrl,
  },
} satisfies LegacyFields;

/** The filters of the owner's `/user/goods/index`; blank ones do not filter. */
export const ownDemandFilterFields = {
  title: {
    to: 'title',
    label: '标题',
    kind: kinds.textFilter,
    en: 'Only titles containing this text.',
    example: '小程序',
  },
  // 0 is "not approved": pending and rejected demands, which both show as 未审核.
  show: { to: 'review', label: '审核状态', kind: enumFilter(demandReview), en: 'Review state.', example: 0 },
  pay: {
    to: 'paid',
    label: '付款状态',
    kind: enumFilter(demandPaid),
    en: 'Paid into escrow or not.',
    example: 0,
  },
  suan: {
    to: 'settled',
    label: '结算状态',
    kind: enumFilter(demandSettled),
    en: 'Settled or not.',
    example: 0,
  },
  titletype: {
    to: 'kind',
    label: '类型',
    kind: enumFilter(demandKinds),
    en: 'Only this kind of work.',
    example: 1,
  },
  pricetype: {
    to: 'settlement',
    label: '结算方式',
    kind: enumFilter(settlements),
    en: 'Only this way of paying.',
    example: 2,
  },
} satisfies LegacyFields;

/** A demand as the old `goods` model showed it. */
export function encodeDemand(d: Omit<Demand, 'reviewReason'> & { reviewReason?: string }, timeZone: string) {
  return {
    id: d.id,
    goodsid: d.orderNo,
    uid: d.ownerId,
    user_id: d.ownerId,
    title: d.title,
    titletype: demandKinds.label(d.kind),
    price: fenToYuan(d.priceFen),
    pricetype: settlements.label(d.settlement),
    address: d.address,
    timeb: formatLegacyDate(d.workStart, timeZone),
    timee: formatLegacyDate(d.workEnd, timeZone),
    sort: d.category,
    des: d.description,
    file: d.files.map((file) => file.url).join(','),
    files: d.files,
    show: demandReview.label(d.review),
    ...(d.reviewReason === undefined ? {} : { reason: d.reviewReason }),
    pay: demandPaid.label(d.paid),
    suan: demandSettled.label(d.settled),
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
function encodeApplication(a: Application, timeZone: string) {
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
    pay: applicationPaid.label(a.paid),
    state: applicationSelected.label(a.selected),
    ok: applicationDelivered.label(a.delivered),
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

/** The enumerated outputs of a demand and an application, for the docs. */
export const demandLabels = {
  titletype: demandKinds.labels,
  pricetype: settlements.labels,
  show: demandReview.labels,
  pay: demandPaid.labels,
  suan: demandSettled.labels,
};
export const applicationLabels = {
  pay: applicationPaid.labels,
  state: applicationSelected.labels,
  ok: applicationDelivered.labels,
};

/**
 * Adds fields to a row this codec just built. Not `{ ...row, ...more }`: spreading a 20-field
 * object costs several times more in V8 (once per row of a page) than adding two fields to it.
 */
function withFields<Row extends object, More extends object>(row: Row, more: More): Row & More {
  return Object.assign(row, more);
}
