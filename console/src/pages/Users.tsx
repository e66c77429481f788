import type { RouterOutputs } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Flex, Input, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { dateTime } from '../dates.js';
import { describeError } from '../errors.js';
import { userTypeLabels } from '../labels.js';
import { UserDrawer } from './UserDetail.js';

type Profile = RouterOutputs['admin']['findUsers'][number];

/** admin.findUsers answers at most this many (user.service.ts `search`), the newest. */
const shownAtMost = 20;

/** 用户: find an account by phone or id, and open it. */
export function Users() {
  const trpc = useTRPC();
  const [query, setQuery] = useState('');
  const [openId, setOpenId] = useState<number | null>(null);
  const found = useQuery({ ...trpc.admin.findUsers.queryOptions({ query }), enabled: query !== '' });
  return (
    <Flex vertical gap="middle">
      <Input.Search
        aria-label="手机号或用户ID"
        placeholder="手机号（至少前三位）或用户ID"
        enterButton="搜索"
        // The API takes at most 50 characters (admin.router.ts): more would answer only 参数错误.
        maxLength={50}
        allowClear
        style={{ maxWidth: 420 }}
        onSearch={(text) => setQuery(text.trim())}
      />
      {found.isError && <Alert type="error" title={describeError(found.error)} />}
      {found.data?.length === shownAtMost && (
        <Typography.Text type="secondary">
          只显示最新注册的 {shownAtMost} 个，可能还有更多：请输入更完整的手机号。
        </Typography.Text>
      )}
      {query !== '' && (
        <Table<Profile>
          rowKey="id"
          size="small"
          loading={found.isFetching}
          dataSource={found.data ?? []}
          pagination={false}
          locale={{ emptyText: '没有找到用户' }}
          onRow={(user) => ({ onClick: () => setOpenId(user.id), style: { cursor: 'pointer' } })}
          columns={[
            { title: 'ID', dataIndex: 'id', width: 90 },
            {
              title: '手机号',
              dataIndex: 'phone',
              render: (phone: string, user) => (
                <Typography.Link onClick={() => setOpenId(user.id)}>{phone}</Typography.Link>
              ),
            },
            { title: '类型', dataIndex: 'userType', render: (t: Profile['userType']) => userTypeLabels[t] },
            {
              title: '认证',
              dataIndex: 'verified',
              render: (v: boolean) => (v ? <Tag color="green">已认证</Tag> : <Tag>未认证</Tag>),
            },
            { title: '管理员', dataIndex: 'isAdmin', render: (a: boolean) => (a ? '是' : '') },
            { title: '注册时间', dataIndex: 'createdAt', render: (d: Date) => dateTime(d) },
          ]}
        />
      )}
      <UserDrawer userId={openId} onClose={() => setOpenId(null)} />
    </Flex>
  );
}
