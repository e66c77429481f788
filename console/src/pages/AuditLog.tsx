import type { RouterOutputs } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Table, Typography } from 'antd';
import { useState } from 'react';
import { dateTime } from '../dates.js';
import { describeError } from '../errors.js';
import { auditActionLabels } from '../labels.js';

type Entry = RouterOutputs['admin']['auditLog']['items'][number];
const perPage = 20;

/** 操作记录: every admin action, newest first; a row opens to its state before and after. */
export function AuditLog() {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const log = useQuery({
    ...trpc.admin.auditLog.queryOptions({ page, perPage }),
    placeholderData: keepPreviousData,
  });
  if (log.isError) return <Alert type="error" title={describeError(log.error)} />;
  return (
    <Table<Entry>
      rowKey="id"
      size="small"
      loading={log.isFetching}
      dataSource={log.data?.items ?? []}
      locale={{ emptyText: '暂无操作记录' }}
      pagination={{ current: page, pageSize: perPage, total: log.data?.total ?? 0, onChange: setPage }}
      expandable={{ expandedRowRender: (entry) => <Changes entry={entry} /> }}
      columns={[
        { title: '时间', dataIndex: 'createdAt', render: (d: Date) => dateTime(d) },
        {
          title: '操作人',
          key: 'admin',
          render: (_, e) => e.adminPhone ?? (e.adminId === null ? '命令行' : `管理员 ${e.adminId}`),
        },
        {
          title: '操作',
          dataIndex: 'action',
          render: (action: string) => `${auditActionLabels[action] ?? action}（${action}）`,
        },
        { title: '对象', key: 'target', render: (_, e) => `${e.targetType} #${e.targetId}` },
        { title: '用户', dataIndex: 'userId', render: (id: number | null) => id ?? '' },
      ]}
    />
  );
}

/** The recorded states as JSON: an operator compares them, nothing here interprets them. */
function Changes({ entry }: { entry: Entry }) {
  const json = (value: unknown) => (
    <Typography.Paragraph style={{ marginBottom: 0 }}>
      <pre style={{ margin: 0, maxHeight: 240, overflow: 'auto' }}>
        {JSON.stringify(value ?? null, null, 2)}
      </pre>
    </Typography.Paragraph>
  );
  return (
    <Descriptions column={3} size="small" bordered layout="vertical">
      <Descriptions.Item label="之前">{json(entry.before)}</Descriptions.Item>
      <Descriptions.Item label="之后">{json(entry.after)}</Descriptions.Item>
      <Descriptions.Item label="详情">{json(entry.detail)}</Descriptions.Item>
    </Descriptions>
  );
}
