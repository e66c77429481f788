import type { RouterOutputs } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Empty, Flex, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { date, dateTime } from '../dates.js';
import { describeError } from '../errors.js';
import { yuan } from '../money.js';
import { QueueList } from '../QueueList.js';
import { RejectDialog } from '../RejectDialog.js';
import { useQueueKeys } from '../useQueueKeys.js';
import { KeyHelp } from './KeyHelp.js';

type PendingDemand = RouterOutputs['demands']['awaitingReview']['items'][number];

export const kindLabels: Record<PendingDemand['kind'], string> = {
  partTime: '兼职',
  fullTime: '全职',
  other: '其他',
};
export const settlementLabels: Record<PendingDemand['settlement'], string> = {
  monthly: '月结',
  daily: '日结',
  other: '其他',
};

const perPage = 50;

/** 需求审核: demands wait here until an admin approves (they go public) or rejects them with a reason. */
export function DemandQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const queue = useQuery(trpc.demands.awaitingReview.queryOptions({ page: 1, perPage }));
  const [selected, setSelected] = useState(0);
  const [rejecting, setRejecting] = useState(false);
  const items = queue.data?.items ?? [];
  // After a decision the row leaves the queue; the same index is then the next one.
  const index = Math.min(selected, Math.max(items.length - 1, 0));
  const current = items[index];

  const review = useMutation(
    trpc.demands.review.mutationOptions({
      onSuccess: (_, input) => {
        message.success(input.approve ? '已通过，需求已公开' : '已驳回');
        setRejecting(false);
      },
      onError: (error) => message.error(describeError(error)),
      // Refreshes the queue and the count in the menu, whatever the outcome (another admin may have decided).
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.demands.awaitingReview.pathFilter()),
          queryClient.invalidateQueries(trpc.admin.queueCounts.pathFilter()),
        ]),
    }),
  );
  const approve = () => current && !review.isPending && review.mutate({ id: current.id, approve: true });
  useQueueKeys({
    count: items.length,
    selected: index,
    select: setSelected,
    approve,
    reject: () => current && setRejecting(true),
    enabled: !rejecting,
  });

  if (queue.isPending) return <Spin />;
  if (queue.isError) return <Alert type="error" title={describeError(queue.error)} />;
  return (
    <Flex vertical gap="middle">
      <KeyHelp />
      {queue.data.total > items.length && (
        <Typography.Text type="secondary">
          共 {queue.data.total} 条待审核，显示最早的 {items.length} 条。
        </Typography.Text>
      )}
      {items.length === 0 ? (
        <Empty description="没有待审核的需求" />
      ) : (
        <Flex gap="middle" align="flex-start">
          <QueueList
            label="待审核需求"
            items={items}
            selected={index}
            onSelect={setSelected}
            title={(demand) => demand.title}
            description={(demand) =>
              `${kindLabels[demand.kind]} · ¥${yuan(demand.priceFen)} · ${date(demand.createdAt)}`
            }
          />
          {current && (
            <DemandCard
              demand={current}
              pending={review.isPending}
              onApprove={approve}
              onReject={() => setRejecting(true)}
            />
          )}
        </Flex>
      )}
      <RejectDialog
        open={rejecting}
        subject={current?.title ?? ''}
        pending={review.isPending}
        onCancel={() => setRejecting(false)}
        onSubmit={(reason) => current && review.mutate({ id: current.id, approve: false, reason })}
      />
    </Flex>
  );
}

function DemandCard(props: {
  demand: PendingDemand;
  pending: boolean;
  onApprove: () => void;
  onReject: () => void;
}) {
  const { demand } = props;
  const poster = demand.poster;
  return (
    <Card
      style={{ flex: 1, minWidth: 0 }}
      title={demand.title}
      extra={
        <Space>
          <Button type="primary" onClick={props.onApprove} loading={props.pending}>
            通过 (a)
          </Button>
          <Button danger onClick={props.onReject} disabled={props.pending}>
            驳回 (r)
          </Button>
        </Space>
      }
    >
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label="编号">
          {demand.id}（{demand.orderNo}）
        </Descriptions.Item>
        <Descriptions.Item label="类型">{kindLabels[demand.kind]}</Descriptions.Item>
        <Descriptions.Item label="价格">¥{yuan(demand.priceFen)}</Descriptions.Item>
        <Descriptions.Item label="结算方式">{settlementLabels[demand.settlement]}</Descriptions.Item>
        <Descriptions.Item label="工作日期">
          {date(demand.workStart)} 至 {date(demand.workEnd)}
        </Descriptions.Item>
        <Descriptions.Item label="提交时间">{dateTime(demand.createdAt)}</Descriptions.Item>
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
          {demand.files.length === 0 ? (
            '无'
          ) : (
            <Space orientation="vertical">
              {demand.files.map((file) => (
                <Typography.Link key={file.id} href={file.url} target="_blank" rel="noreferrer">
                  {file.url.slice(file.url.lastIndexOf('/') + 1)}
                </Typography.Link>
              ))}
            </Space>
          )}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
