import { useTRPC } from '@marketplace/client-sdk/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Space, Tag, Typography } from 'antd';
import { date } from '../dates.js';
import { describeError } from '../errors.js';
import { verificationKindLabels } from '../labels.js';
import { ReviewQueue } from '../ReviewQueue.js';
import { VerificationDetails } from '../VerificationDetails.js';
import { changedVerificationFields } from '../verificationChanges.js';

const perPage = 50;

/** 认证审核: identity and company records wait here; approving one makes the user 已认证. */
export function VerificationQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const queue = useQuery(trpc.account.pendingVerifications.queryOptions({ page: 1, perPage }));
  const review = useMutation(
    trpc.account.reviewVerification.mutationOptions({
      // A block: see DemandQueue (message.success's thenable would hold up the refresh).
      onSuccess: (outcome) => {
        message.success(outcome.status === 'approved' ? '已通过认证' : '已驳回');
      },
      // A block too: returned, the toast's thenable would hold the refresh (and the buttons) for
      // the 3 s it shows, while the operator looks at the item another operator already decided.
      onError: (error) => {
        message.error(describeError(error));
      },
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.account.pendingVerifications.pathFilter()),
          queryClient.invalidateQueries(trpc.admin.queueCounts.pathFilter()),
        ]),
    }),
  );
  return (
    <ReviewQueue
      queue={queue}
      noun="认证"
      itemKey={(item) => `${item.kind}:${item.verification.userId}`}
      // The submission time: a record sent again is another version to read before deciding.
      itemVersion={(item) => String(item.verification.submittedAt.getTime())}
      changedFields={changedVerificationFields}
      listTitle={(item) => item.verification.name || '（未填写名称）'}
      listDescription={(item) =>
        `${verificationKindLabels[item.kind]} · ${item.phone} · ${date(item.verification.submittedAt)}`
      }
      cardTitle={(item) => (
        <Space>
          <Tag color="blue">{verificationKindLabels[item.kind]}</Tag>
          <span>{item.verification.name}</span>
          <Typography.Text type="secondary">
            {item.phone}（用户 {item.verification.userId}）
          </Typography.Text>
        </Space>
      )}
      details={(item) => <VerificationDetails record={item} />}
      rejectSubject={(item) => `${verificationKindLabels[item.kind]} ${item.verification.name}`}
      decide={(item, decision) =>
        review.mutateAsync({
          userId: item.verification.userId,
          kind: item.kind,
          // The submission on screen: one the user changed meanwhile is refused, not decided unseen.
          submittedAt: item.verification.submittedAt,
          ...(decision.approve ? { decision: 'approve' } : { decision: 'reject', reason: decision.reason }),
        })
      }
      pending={review.isPending}
    />
  );
}
