import type { RouterOutputs } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Descriptions, Space, Tag, Typography } from 'antd';
import { changedLabels } from '../changedFields.js';
import { date, dateTime } from '../dates.js';
import { describeError } from '../errors.js';
import { FileLinks } from '../FileLinks.js';
import { kindLabels, settlementLabels } from '../labels.js';
import { yuan } from '../money.js';
import { ReviewQueue } from '../ReviewQueue.js';

type PendingDemand = RouterOutputs['demands']['awaitingReview']['items'][number];

const perPage = 50;

/** 需求审核: demands wait here until an admin approves (they go public) or rejects them with a reason. */
export function DemandQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const queue = useQuery(trpc.demands.awaitingReview.queryOptions({ page: 1, perPage }));
  const review = useMutation(
    trpc.demands.review.mutationOptions({
      // A block, not an expression: message.success returns a thenable that settles when the toast
      // closes, and React Query would wait for it before refreshing the queue.
      onSuccess: (_, input) => {
        message.success(input.approve ? '已通过，需求已公开' : '已驳回');
      },
      // A block too: returned, the toast's thenable would hold the refresh (and the buttons) for
      // the 3 s it shows, while the operator looks at the item another operator already decided.
      onError: (error) => {
        message.error(describeError(error));
      },
      // Refreshes the queue and the count in the menu, whatever the outcome (another admin may have decided).
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.demands.awaitingReview.pathFilter()),
          queryClient.invalidateQueries(trpc.admin.queueCounts.pathFilter()),
        ]),
    }),
  );
  return (
    <ReviewQueue
      queue={queue}
      noun="需求"
      // With the version: a demand its owner changed is another one to read, and a reject dialog
      // opened on the old text closes instead of rejecting the new one.
      itemKey={(demand) => String(demand.id)}
      itemVersion={(demand) => String(demand.updatedAt.getTime())}
      listTitle={(demand) => demand.title}
      listDescription={(demand) =>
        `${kindLabels[demand.kind]} · ¥${yuan(demand.priceFen)} · ${date(demand.createdAt)}`
      }
      changedFields={(before, after) => changedLabels(demandFieldLabels, before, after)}
      cardTitle={(demand) => demand.title}
      details={(demand) => <DemandDetails demand={demand} />}
      rejectSubject={(demand) => demand.title}
      // The version on screen: a demand its owner changed meanwhile is refused, not decided unseen.
      decide={(demand, decision) =>
        review.mutateAsync({ id: demand.id, updatedAt: demand.updatedAt, ...decision })
      }
      pending={review.isPending}
    />
  );
}

/** What a poster can change of a demand, as the card names it. */
const demandFieldLabels: ReadonlyArray<readonly [keyof PendingDemand, string]> = [
  ['title', '标题'],
  ['kind', '类型'],
  ['priceFen', '价格'],
  ['settlement', '结算方式'],
  ['workStart', '开始日期'],
  ['workEnd', '结束日期'],
  ['address', '地址'],
  ['category', '分类'],
  ['description', '描述'],
  ['files', '附件'],
  // Paid meanwhile, the demand is refused as changed: a rejection now gives the price back.
  ['paid', '支付状态'],
];

function DemandDetails({ demand }: { demand: PendingDemand }) {
  const poster = demand.poster;
  return (
    <Descriptions column={2} size="small" bordered>
      <Descriptions.Item label="编号">
        {demand.id}（{demand.orderNo}）
      </Descriptions.Item>
      <Descriptions.Item label="类型">{kindLabels[demand.kind]}</Descriptions.Item>
      <Descriptions.Item label="价格">
        <Space>
          ¥{yuan(demand.priceFen)}
          {demand.paid ? <Tag color="blue">已支付，驳回将退回发布人钱包</Tag> : <Tag>未支付</Tag>}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label="结算方式">{settlementLabels[demand.settlement]}</Descriptions.Item>
      <Descriptions.Item label="工作日期">
        {date(demand.workStart)} 至 {date(demand.workEnd)}
      </Descriptions.Item>
      <Descriptions.Item label="提交时间">
        {dateTime(demand.createdAt)}
        {demand.updatedAt.getTime() !== demand.createdAt.getTime() &&
          `（修改于 ${dateTime(demand.updatedAt)}）`}
      </Descriptions.Item>
      <Descriptions.Item label="地址">{demand.address}</Descriptions.Item>
      <Descriptions.Item label="分类">{demand.category || '—'}</Descriptions.Item>
      <Descriptions.Item label="发布人" span={2}>
        {poster ? (
          <Space>
            <span>{poster.phone}</span>
            <span>（用户 {poster.id}）</span>
            {poster.verified ? <Tag color="green">已认证</Tag> : <Tag color="orange">未认证</Tag>}
            {poster.companyName && <span>{poster.companyName}</span>}
          </Space>
        ) : (
          `用户 ${demand.ownerId}`
        )}
      </Descriptions.Item>
      <Descriptions.Item label="描述" span={2}>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
          {demand.description}
        </Typography.Paragraph>
      </Descriptions.Item>
      <Descriptions.Item label="附件" span={2}>
        <FileLinks urls={demand.files.map((file) => file.url)} />
      </Descriptions.Item>
    </Descriptions>
  );
}
