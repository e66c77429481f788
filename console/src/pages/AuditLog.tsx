import { useTRPC } from '@marketplace/client-sdk/react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Table, Typography } from 'antd';
import { useState } from 'react';
import {
  type AuditChange,
  type AuditEntry,
  auditChanges,
  auditSummary,
  auditTarget,
} from '../auditEntries.js';
import { dateTime } from '../dates.js';
import { describeError } from '../errors.js';
import { auditActionLabels } from '../labels.js';

const perPage = 20;

/** 操作记录: every admin action, newest first, with what it decided; a row opens to the fields it changed. */
export function AuditLog() {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const log = useQuery({
    ...trpc.admin.auditLog.queryOptions({ page, perPage }),
    placeholderData: keepPreviousData,
  });
  if (log.isError) return <Alert type="error" title={describeError(log.error)} />;
  return (
    <Table<AuditEntry>
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
        { title: '对象', key: 'target', render: (_, e) => auditTarget(e) },
        { title: '内容', key: 'summary', render: (_, e) => auditSummary(e) },
        {
          title: '涉及用户',
          key: 'user',
          render: (_, e) =>
            e.userId === null ? '' : e.userPhone ? `${e.userPhone}（用户 ${e.userId}）` : `用户 ${e.userId}`,
        },
      ]}
    />
  );
}

/**
 * The fields the action changed, before and after, in an operator's words; below them the record as
 * stored (amounts in fen), for whatever the words leave out.
 */
function Changes({ entry }: { entry: AuditEntry }) {
  const changes = auditChanges(entry);
  return (
    <>
      {changes.length > 0 && (
        <Table<AuditChange>
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={changes}
          columns={[
            { title: '项目', dataIndex: 'label' },
            { title: '之前', dataIndex: 'before' },
            {
              title: '之后',
              key: 'after',
              render: (_, change) =>
                change.changed ? <Typography.Text strong>{change.after}</Typography.Text> : change.after,
            },
          ]}
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        原始记录
        <pre style={{ margin: 0, maxHeight: 240, overflow: 'auto' }}>
          {JSON.stringify({ before: entry.before, after: entry.after, detail: entry.detail }, null, 2)}
        </pre>
      </Typography.Paragraph>
    </>
  );
}
