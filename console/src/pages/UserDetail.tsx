import type { RouterOutputs } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Drawer, Empty, Flex, Space, Spin, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { dateTime } from '../dates.js';
import { describeError } from '../errors.js';
import { kindLabels, ledgerKindLabels, userTypeLabels } from '../labels.js';
import { yuan } from '../money.js';
import { RefreshFailed } from '../RefreshFailed.js';
import { reviewStateTags, VerificationDetails } from '../VerificationDetails.js';
import { WalletDialog, type WalletMove } from '../WalletDialog.js';

type Detail = RouterOutputs['admin']['user'];
type LedgerEntry = RouterOutputs['admin']['ledger']['items'][number];

/** 用户详情 in a drawer, for whichever page names an account; closed while `userId` is null. */
export function UserDrawer({ userId, onClose }: { userId: number | null; onClose: () => void }) {
  return (
    <Drawer open={userId !== null} onClose={onClose} size={960} title="用户详情" destroyOnHidden>
      {userId !== null && <UserDetail userId={userId} />}
    </Drawer>
  );
}

/** One account as support needs it: who, verified how, the wallet and its history, what they posted and applied to. */
export function UserDetail({ userId }: { userId: number }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.admin.user.queryOptions({ userId }));
  const [move, setMove] = useState<WalletMove | null>(null);
  if (detail.isPending) return <Spin />;
  if (detail.data === undefined) return <Alert type="error" title={describeError(detail.error)} />;
  const { profile, balanceFen } = detail.data;
  return (
    <Flex vertical gap="middle">
      {detail.isError && <RefreshFailed error={detail.error} />}
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label="用户ID">{profile.id}</Descriptions.Item>
        <Descriptions.Item label="手机号">{profile.phone}</Descriptions.Item>
        <Descriptions.Item label="类型">{userTypeLabels[profile.userType]}</Descriptions.Item>
        <Descriptions.Item label="认证">
          {profile.verified ? <Tag color="green">已认证</Tag> : <Tag>未认证</Tag>}
          {profile.isAdmin && <Tag color="purple">管理员</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label="邮箱">{profile.email || '—'}</Descriptions.Item>
        <Descriptions.Item label="注册时间">{dateTime(profile.createdAt)}</Descriptions.Item>
        <Descriptions.Item label="钱包余额" span={2}>
          <Space>
            <strong>¥{yuan(balanceFen)}</strong>
            <Button type="primary" onClick={() => setMove('credit')}>
              充值
            </Button>
            <Button onClick={() => setMove('withdraw')}>提现</Button>
          </Space>
        </Descriptions.Item>
      </Descriptions>
      <Tabs
        items={[
          { key: 'ledger', label: '钱包流水', children: <Ledger userId={userId} /> },
          { key: 'verifications', label: '认证记录', children: <Verifications detail={detail.data} /> },
          {
            key: 'demands',
            label: `发布的需求（${detail.data.demands.length}）`,
            children: <PostedDemands detail={detail.data} />,
          },
          {
            key: 'applications',
            label: `申请（${detail.data.applications.length}）`,
            children: <Applications detail={detail.data} />,
          },
        ]}
      />
      {move && (
        <WalletDialog move={move} user={profile} balanceFen={balanceFen} onClose={() => setMove(null)} />
      )}
    </Flex>
  );
}

const perPage = 10;

function Ledger({ userId }: { userId: number }) {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const ledger = useQuery(trpc.admin.ledger.queryOptions({ userId, page, perPage }));
  if (ledger.isError) return <Alert type="error" title={describeError(ledger.error)} />;
  return (
    <Table<LedgerEntry>
      aria-label="钱包流水"
      rowKey="id"
      size="small"
      loading={ledger.isPending}
      dataSource={ledger.data?.items ?? []}
      locale={{ emptyText: '暂无流水' }}
      pagination={{ current: page, pageSize: perPage, total: ledger.data?.total ?? 0, onChange: setPage }}
      columns={[
        { title: '时间', dataIndex: 'createdAt', render: (d: Date) => dateTime(d) },
        { title: '类型', dataIndex: 'kind', render: (k: LedgerEntry['kind']) => ledgerKindLabels[k] },
        {
          title: '金额（元）',
          dataIndex: 'amountFen',
          align: 'right',
          render: (fen: number) => (fen > 0 ? `+${yuan(fen)}` : yuan(fen)),
        },
        { title: '需求', dataIndex: 'demandId', render: (id: number | null) => id ?? '' },
        { title: '备注', dataIndex: 'note' },
      ]}
    />
  );
}

function Verifications({ detail }: { detail: Detail }) {
  const records = [
    detail.person && { kind: 'person' as const, verification: detail.person },
    detail.company && { kind: 'company' as const, verification: detail.company },
    detail.individualBusiness && {
      kind: 'individualBusiness' as const,
      verification: detail.individualBusiness,
    },
  ].filter((r) => r !== null);
  if (records.length === 0) return <Empty description="未提交任何认证" />;
  const titles = { person: '个人认证', company: '企业认证', individualBusiness: '个体工商户' };
  return (
    <Tabs
      type="card"
      items={records.map((record) => ({
        key: record.kind,
        label: titles[record.kind],
        children: <VerificationDetails record={record} />,
      }))}
    />
  );
}

function PostedDemands({ detail }: { detail: Detail }) {
  type Row = Detail['demands'][number];
  return (
    <Table<Row>
      rowKey="id"
      size="small"
      dataSource={detail.demands}
      pagination={false}
      locale={{ emptyText: '没有发布需求' }}
      columns={[
        { title: 'ID', dataIndex: 'id' },
        { title: '标题', dataIndex: 'title' },
        { title: '类型', dataIndex: 'kind', render: (k: Row['kind']) => kindLabels[k] },
        { title: '价格（元）', dataIndex: 'priceFen', align: 'right', render: (f: number) => yuan(f) },
        { title: '审核', dataIndex: 'review', render: (r: Row['review']) => reviewStateTags[r] },
        {
          title: '状态',
          key: 'state',
          render: (_, d) => (d.settled ? '已结算' : d.paid ? '已支付' : '未支付'),
        },
        { title: '申请数', key: 'applications', render: (_, d) => d.applications.length },
        { title: '发布时间', dataIndex: 'createdAt', render: (d: Date) => dateTime(d) },
      ]}
    />
  );
}

function Applications({ detail }: { detail: Detail }) {
  type Row = Detail['applications'][number];
  return (
    <Table<Row>
      rowKey="id"
      size="small"
      dataSource={detail.applications}
      pagination={false}
      locale={{ emptyText: '没有申请' }}
      columns={[
        { title: 'ID', dataIndex: 'id' },
        { title: '需求', key: 'demand', render: (_, a) => `${a.demand.title}（${a.demandId}）` },
        { title: '状态', key: 'state', render: (_, a) => applicationState(a) },
        { title: '分配（元）', dataIndex: 'allocatedFen', align: 'right', render: (f: number) => yuan(f) },
        { title: '已付（元）', dataIndex: 'paidFen', align: 'right', render: (f: number) => yuan(f) },
        { title: '申请时间', dataIndex: 'createdAt', render: (d: Date) => dateTime(d) },
      ]}
    />
  );
}

/** Where an application stands, the furthest step first. */
export function applicationState(a: { selected: boolean; delivered: boolean; paid: boolean }): string {
  if (a.paid) return '已付款';
  if (a.delivered) return '已交付';
  if (a.selected) return '已选中';
  return '已申请';
}
