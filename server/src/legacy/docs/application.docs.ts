import { exampleArchiveUrl, exampleUploadUrl, pageFieldDocs } from './common.js';
import { applicationOutputLabels, at, demandOutputLabels } from './labels.js';
import { type LegacyFieldDoc, legacyDocs } from './types.js';

const applicationId = (en: string): LegacyFieldDoc => ({ type: 'integer', en, example: 25 });
const demandId = (en: string): LegacyFieldDoc => ({ type: 'integer', en, example: 12 });

/** Applications: the applicant's `/user/goods_order/*` and the employer's selection `/user/goods/ok`. */
export const applicationDocs = legacyDocs({
  '/user/goods_order/add': {
    summary: { zh: '申请接单', en: 'Apply to a demand' },
    description:
      'Not to your own, unreviewed or settled demands; once per demand. Answers the application’s `id`.',
    fields: {
      goods_id: demandId('The demand.'),
      msg: { type: 'text', en: 'Why you, 1–2000 characters.', example: '我有三年小程序经验' },
      file: { type: 'fileRefs', en: 'Samples of earlier work: your uploads.', example: exampleUploadUrl },
    },
    example: {
      request: { goods_id: 12, msg: '我有三年小程序经验', file: exampleUploadUrl },
      live: async (w) => ({
        goods_id: (await w.demand('approved')).id,
        file: (await w.upload('worker', 'image')).url,
      }),
    },
  },
  '/user/goods_order/isadd': {
    summary: { zh: '是否申请过', en: 'May I apply?' },
    description:
      '`res` 1 means you may apply. `res` 0 gives the reason, e.g. `已经申请过该项目` when you already applied.',
    fields: { id: demandId('The demand.') },
    example: { request: { id: 12 }, live: async (w) => ({ id: (await w.demand('approved')).id }) },
  },
  '/user/goods_order/index': {
    summary: { zh: '个人申请列表', en: 'List my applications' },
    description: 'Newest first, each with its demand in `goods`.',
    fields: pageFieldDocs,
    labels: { ...at('data[]', applicationOutputLabels), ...at('data[].goods', demandOutputLabels) },
    example: {
      request: { page: 1 },
      live: async (w) => {
        await w.application('applied');
        return {};
      },
    },
  },
  '/user/goods_order/info': {
    summary: { zh: '个人申请详情', en: 'Read one of my applications' },
    description: 'With its demand in `goodsinfo`.',
    fields: { id: applicationId('The application (one of yours).') },
    labels: { ...applicationOutputLabels, ...at('goodsinfo', demandOutputLabels) },
    example: { request: { id: 25 }, live: async (w) => ({ id: (await w.application('applied')).id }) },
  },
  '/user/goods_order/ok': {
    summary: { zh: '个人需求完成上传成果', en: 'Deliver the work' },
    description: 'Only a selected applicant, until paid. Sending again replaces the delivery.',
    fields: {
      id: applicationId('The application (one of yours, selected).'),
      over: {
        type: 'fileRefs',
        en: 'Preview images of the result: your uploads.',
        example: exampleUploadUrl,
      },
      source: {
        type: 'fileRef',
        en: 'The result itself, e.g. a zip: your upload.',
        example: exampleArchiveUrl,
      },
    },
    example: {
      request: { id: 25, over: exampleUploadUrl, source: exampleArchiveUrl },
      live: async (w) => ({
        id: (await w.application('selected')).id,
        over: (await w.upload('worker', 'image')).url,
        source: (await w.upload('worker', 'archive')).url,
      }),
    },
  },
  '/user/goods_order/del': {
    summary: { zh: '接单记录删除', en: 'Withdraw an application' },
    description: 'Refused once you are selected.',
    fields: { id: applicationId('The application (one of yours).') },
    example: { request: { id: 25 }, live: async (w) => ({ id: (await w.application('applied')).id }) },
  },
  '/user/goods/ok': {
    summary: { zh: '企业需求选择接单用户', en: 'Select applicants' },
    description:
      'The demand’s owner selects among its applications; the demand must be paid. Selected ones become ' +
      '锁定, and the escrow is allocated among the selected unpaid applications: split evenly in fen, the ' +
      'remainder fen to the earliest ids (100.01 over two: 50.01 and 50.00), again whenever the selection ' +
      'grows. Each share shows as the application’s `price`. Answers the selected ids in `order_id`.',
    fields: {
      goods_id: demandId('The demand (one of yours, paid).'),
      order_id: { type: 'idList', en: 'The applications to select.', example: '25,26' },
    },
    example: {
      as: 'employer',
      request: { goods_id: 12, order_id: '25' },
      live: async (w) => {
        const application = await w.application('applied');
        return { goods_id: application.demandId, order_id: String(application.id) };
      },
    },
  },
});
