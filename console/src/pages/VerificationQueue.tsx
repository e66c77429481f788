import type { RouterOutputs } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Flex, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { date } from '../dates.js';
import { describeError } from '../errors.js';
import { QueueList } from '../QueueList.js';
import { RejectDialog } from '../RejectDialog.js';
import { useQueueKeys } from '../useQueueKeys.js';
import { VerificationDetails } from '../VerificationDetails.js';
import { KeyHelp } from './KeyHelp.js';

type Pending = RouterOutputs['account']['pendingVerifications']['items'][number];

export const verificationKindLabels: Record<Pending['kind'], string> = {
  person: '个人认证',
  company: '企业认证',
  individualBusiness: '个体工商户',
};

const perPage = 50;

/** 认证审核: identity and company records wait here; approving one makes the user 已认证. */
export function VerificationQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const queue = useQuery(trpc.account.pendingVerifications.queryOptions({ page: 1, perPage }));
  const [selected, setSelected] = useState(0);
  const [rejecting, setRejecting] = useState(false);
  const items = queue.data?.items ?? [];
  const index = Math.min(selected, Math.max(items.length - 1, 0));
  const current = items[index];

  const review = useMutation(
    trpc.account.reviewVerification.mutationOptions({
      onSuccess: (outcome) => {
        message.success(outcome.status === 'approved' ? '已通过认证' : '已驳回');
        setRejecting(false);
      },
      onError: (error) => message.error(describeError(error)),
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.account.pendingVerifications.pathFilter()),
          queryClient.invalidateQueries(trpc.admin.queueCounts.pathFilter()),
        ]),
    }),
  );
  const decide = (decision: 'approve' | 'reject', reason?: string) =>
    current &&
    !review.isPending &&
    review.mutate({
      userId: current.verification.userId,
      kind: current.kind,
      decision,
      ...(reason ? { reason } : {}),
    });
  useQueueKeys({
    count: items.length,
    selected: index,
    select: setSelected,
    approve: () => decide('approve'),
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
        <Empty description="没有待审核的认证" />
      ) : (
        <Flex gap="middle" align="flex-start">
          <QueueList
            label="待审核认证"
            items={items}
            selected={index}
            onSelect={setSelected}
            title={(item) => item.verification.name || '（未填写名称）'}
            description={(item) =>
              `${verificationKindLabels[item.kind]} · ${item.phone} · ${date(item.verification.submittedAt)}`
            }
          />
          {current && (
            <Card
              style={{ flex: 1, minWidth: 0 }}
              title={
                <Space>
                  <Tag color="blue">{verificationKindLabels[current.kind]}</Tag>
                  <span>{current.verification.name}</span>
                  <Typography.Text type="secondary">
                    {current.phone}（用户 {current.verification.userId}）
                  </Typography.Text>
                </Space>
              }
              extra={
                <Space>
                  <Button type="primary" onClick={() => decide('approve')} loading={review.isPending}>
                    通过 (a)
                  </Button>
                  <Button danger onClick={() => setRejecting(true)} disabled={review.isPending}>
                    驳回 (r)
                  </Button>
                </Space>
              }
            >
              <VerificationDetails record={current} />
            </Card>
          )}
        </Flex>
      )}
      <RejectDialog
        open={rejecting}
        subject={current ? `${verificationKindLabels[current.kind]} ${current.verification.name}` : ''}
        pending={review.isPending}
        onCancel={() => setRejecting(false)}
        onSubmit={(reason) => decide('reject', reason)}
      />
    </Flex>
  );
}
