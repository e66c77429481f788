import type { RouterOutputs } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Popconfirm, Table, Typography } from 'antd';
import { useState } from 'react';
import { dateTime } from '../dates.js';
import { describeError } from '../errors.js';
import { yuan } from '../money.js';
import { UserDrawer } from './UserDetail.js';

type Pending = RouterOutputs['billing']['invoicesToIssue']['items'][number];
const perPage = 20;

/**
 * 发票开具: the invoices users asked for on their recharges, oldest first. The invoice itself is
 * made outside the service; an operator records here that it was issued, and the user's list then
 * shows 已开票. The title is the verified company's name; the requester opens to their records.
 */
export function InvoiceQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [openUserId, setOpenUserId] = useState<number | null>(null);
  const queue = useQuery({
    ...trpc.billing.invoicesToIssue.queryOptions({ page, perPage }),
    placeholderData: keepPreviousData,
  });
  const issue = useMutation(
    trpc.billing.markInvoiceIssued.mutationOptions({
      // A block, not an expression: React Query would wait for the toast's thenable.
      onSuccess: () => {
        message.success('已记录为已开票');
      },
      // A block too: returned, the toast's thenable would hold the refresh (and the buttons) for
      // the 3 s it shows, while the operator looks at the item another operator already decided.
      onError: (error) => {
        message.error(describeError(error));
      },
      // Whatever the outcome: another operator may have issued it meanwhile.
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.billing.invoicesToIssue.pathFilter()),
          queryClient.invalidateQueries(trpc.admin.queueCounts.pathFilter()),
        ]),
    }),
  );
  if (queue.isError) return <Alert type="error" title={describeError(queue.error)} />;
  return (
    <>
      <Table<Pending>
        rowKey="id"
        size="small"
        aria-label="待开具发票"
        loading={queue.isFetching}
        dataSource={queue.data?.items ?? []}
        locale={{ emptyText: '没有待开具的发票' }}
        pagination={{ current: page, pageSize: perPage, total: queue.data?.total ?? 0, onChange: setPage }}
        columns={[
          { title: '申请时间', dataIndex: 'requestedAt', render: (d: Date) => dateTime(d) },
          {
            title: '申请人',
            key: 'requester',
            render: (_, request) => (
              <Typography.Link onClick={() => setOpenUserId(request.userId)}>
                {request.requester?.phone ?? `用户 ${request.userId}`}
              </Typography.Link>
            ),
          },
          {
            title: '发票抬头',
            key: 'title',
            // The name verified when asked for: a resubmission since does not change the invoice.
            render: (_, request) =>
              request.title ?? <Typography.Text type="secondary">无认证企业</Typography.Text>,
          },
          { title: '金额', dataIndex: 'amountFen', align: 'right', render: (fen: number) => `¥${yuan(fen)}` },
          { title: '充值记录', dataIndex: 'rechargeId', render: (id: number) => `#${id}` },
          {
            title: '操作',
            key: 'issue',
            render: (_, request) => (
              <Popconfirm
                title="确认这张发票已经开具？"
                description={`¥${yuan(request.amountFen)}，充值记录 #${request.rechargeId}`}
                okText="已开具"
                cancelText="取消"
                onConfirm={() => issue.mutate({ invoiceRequestId: request.id })}
              >
                <Button
                  size="small"
                  type="primary"
                  loading={issue.isPending && issue.variables?.invoiceRequestId === request.id}
                >
                  开具发票
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <UserDrawer userId={openUserId} onClose={() => setOpenUserId(null)} />
    </>
  );
}
