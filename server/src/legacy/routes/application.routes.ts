import { AppError } from '../../errors.js';
import { exampleArchiveUrl, exampleUploadUrl } from '../codecs/common.js';
import { applicationLabels, demandId, demandLabels, encodeMyApplication } from '../codecs/demand.js';
import { at, encodePaginator } from '../codecs/paginator.js';
import { kinds, pageFields } from '../fields.js';
import { type LegacyRoute, legacyRoute, noData } from '../route.js';

const applicationId = (label: string, en: string) =>
  ({ to: 'applicationId', label, kind: kinds.integer, en, example: 25 }) as const;

/** Applications: the applicant's `/user/goods_order/*` and the employer's selection `/user/goods/ok`. */
export const applicationRoutes: LegacyRoute[] = [
  legacyRoute({
    path: '/user/goods_order/add',
    summary: { zh: '申请接单', en: 'Apply to a demand' },
    description:
      'Not to your own, unreviewed or settled demands; once per demand. Answers the application’s `id`.',
    auth: 'session',
    fields: {
      goods_id: { ...demandId('The demand.'), to: 'demandId', label: '项目ID' },
      msg: {
        to: 'message',
        label: '申请理由',
        kind: kinds.text,
        en: 'Why you, 1–2000 characters.',
        example: '我有三年小程序经验',
      },
      file: {
        to: 'files',
        label: '申请作品预览',
        kind: kinds.urls,
        en: 'Samples of earlier work: your uploads.',
        example: exampleUploadUrl,
      },
    },
    procedure: 'applications.submit',
    encode: (created) => ({ id: created.id }),
    example: {
      request: { goods_id: 12, msg: '我有三年小程序经验', file: exampleUploadUrl },
      live: async (w) => ({
        goods_id: (await w.demand('approved')).id,
        file: (await w.upload('worker', 'image')).url,
      }),
    },
  }),
  legacyRoute({
    path: '/user/goods_order/isadd',
    summary: { zh: '是否申请过', en: 'May I apply?' },
    description:
      '`res` 1 means you may apply. `res` 0 gives the reason, e.g. `已经申请过该项目` when you already applied.',
    auth: 'session',
    fields: { id: { ...demandId('The demand.'), to: 'demandId', label: '项目ID' } },
    procedure: 'applications.canApply',
    // The old API answers "no" as a failure with the reason.
    encode: (answer) => {
      if (!answer.canApply) throw new AppError(answer.reason);
      return '';
    },
    example: { request: { id: 12 }, live: async (w) => ({ id: (await w.demand('approved')).id }) },
  }),
  legacyRoute({
    path: '/user/goods_order/index',
    summary: { zh: '个人申请列表', en: 'List my applications' },
    description: 'Newest first, each with its demand in `goods`.',
    auth: 'session',
    fields: pageFields,
    procedure: 'applications.listMine',
    encode: (page, { timeZone }) => encodePaginator(page, (a) => encodeMyApplication(a, timeZone, 'goods')),
    labels: { ...at('data[]', applicationLabels), ...at('data[].goods', demandLabels) },
    example: {
      request: { page: 1 },
      live: async (w) => {
        await w.application('applied');
        return {};
      },
    },
  }),
  legacyRoute({
    path: '/user/goods_order/info',
    summary: { zh: '个人申请详情', en: 'Read one of my applications' },
    description: 'With its demand in `goodsinfo`.',
    auth: 'session',
    fields: { id: applicationId('申请ID', 'The application (one of yours).') },
    procedure: 'applications.getMine',
    encode: (application, { timeZone }) => encodeMyApplication(application, timeZone, 'goodsinfo'),
    labels: { ...applicationLabels, ...at('goodsinfo', demandLabels) },
    example: { request: { id: 25 }, live: async (w) => ({ id: (await w.application('applied')).id }) },
  }),
  legacyRoute({
    path: '/user/goods_order/ok',
    summary: { zh: '个人需求完成上传成果', en: 'Deliver the work' },
    description: 'Only a selected applicant, until paid. Sending again replaces the delivery.',
    auth: 'session',
    fields: {
      id: applicationId('需求申请ID', 'The application (one of yours, selected).'),
      over: {
        to: 'preview',
        label: '完成效果预览',
        kind: kinds.urls,
        en: 'Preview images of the result: your uploads.',
        example: exampleUploadUrl,
      },
      source: {
        to: 'source',
        label: '成果稿件压缩包',
        kind: kinds.fileUrl,
        en: 'The result itself, e.g. a zip: your upload.',
        example: exampleArchiveUrl,
      },
    },
    procedure: 'applications.deliver',
    // Several files where the old API takes one archive (kinds.fileUrl): refused by name.
    async prepare(input) {
      if (!Array.isArray(input.source)) return input;
      throw new AppError('VALIDATION_FAILED', {
        fieldProblem: { field: 'source', problem: 'tooMany', limit: 1 },
      });
    },
    encode: noData,
    example: {
      request: { id: 25, over: exampleUploadUrl, source: exampleArchiveUrl },
      live: async (w) => ({
        id: (await w.application('selected')).id,
        over: (await w.upload('worker', 'image')).url,
        source: (await w.upload('worker', 'archive')).url,
      }),
    },
  }),
  legacyRoute({
    path: '/user/goods_order/del',
    summary: { zh: '接单记录删除', en: 'Withdraw an application' },
    description: 'Refused once you are selected or paid (an imported application can be paid unselected).',
    auth: 'session',
    fields: { id: applicationId('申请ID', 'The application (one of yours).') },
    procedure: 'applications.withdraw',
    encode: noData,
    example: { request: { id: 25 }, live: async (w) => ({ id: (await w.application('applied')).id }) },
  }),
  legacyRoute({
    path: '/user/goods/ok',
    summary: { zh: '企业需求选择接单用户', en: 'Select applicants' },
    description:
      'The demand’s owner selects among its applications; the demand must be paid. Selected ones become ' +
      '锁定, and the escrow is allocated among the selected unpaid applications: split evenly in fen, the ' +
      'remainder fen to the earliest ids (100.01 over two: 50.01 and 50.00), again whenever the selection ' +
      'grows. Each share shows as the application’s `price`. Answers the selected ids in `order_id`.',
    auth: 'session',
    fields: {
      goods_id: { ...demandId('The demand (one of yours, paid).'), to: 'demandId' },
      order_id: {
        to: 'applicationIds',
        label: '申请ID',
        kind: kinds.idList,
        en: 'The applications to select.',
        example: '25,26',
      },
    },
    procedure: 'applications.select',
    encode: (result) => ({ order_id: result.selected }),
    example: {
      as: 'employer',
      request: { goods_id: 12, order_id: '25' },
      live: async (w) => {
        const application = await w.application('applied');
        return { goods_id: application.demandId, order_id: String(application.id) };
      },
    },
  }),
];
