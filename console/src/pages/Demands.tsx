import type { RouterOutputs } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Drawer, Flex, Input, Table, Typography } from 'antd';
import { useState } from 'react';
import { dateTime } from '../dates.js';
import { describeError } from '../errors.js';
import { kindLabels } from '../labels.js';
import { yuan } from '../money.js';
import { reviewStateTags } from '../VerificationDetails.js';
import { DemandDetail } from './DemandDetail.js';

type Row = RouterOutputs['admin']['findDemands']['items'][number];
const perPage = 15;

/** 需求: every demand whatever its review, read only; search by id, order number or title. */
export function Demands() {
  const trpc = useTRPC();
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<number | null>(null);
  const found = useQuery({
    ...trpc.admin.findDemands.queryOptions({ query, page, perPage }),
    placeholderData: keepPreviousData,
  });
  return (
    <Flex vertical gap="middle">
      <Input.Search
        aria-label="需求ID、订单号或标题"
        placeholder="需求ID、订单号或标题关键字；留空显示全部"
        enterButton="搜索"
        // The API takes at most 50 characters (admin.router.ts): more would answer only 参数错误.
        maxLength={50}
        allowClear
        style={{ maxWidth: 480 }}
        onSearch={(text) => {
          setQuery(text.trim());
          setPage(1);
        }}
      />
      {found.isError && <Alert type="error" title={describeError(found.error)} />}
      <Table<Row>
        rowKey="id"
        size="small"
        loading={found.isFetching}
        dataSource={found.data?.items ?? []}
        locale={{ emptyText: '没有找到需求' }}
        pagination={{ current: page, pageSize: perPage, total: found.data?.total ?? 0, onChange: setPage }}
        onRow={(d) => ({ onClick: () => setOpenId(d.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 80 },
          {
            title: '标题',
            dataIndex: 'title',
            render: (title: string, d) => (
              <Typography.Link onClick={() => setOpenId(d.id)}>{title}</Typography.Link>
            ),
          },
          { title: '类型', dataIndex: 'kind', render: (k: Row['kind']) => kindLabels[k] },
          { title: '价格（元）', dataIndex: 'priceFen', align: 'right', render: (f: number) => yuan(f) },
          { title: '发布人', key: 'poster', render: (_, d) => d.poster?.phone ?? `用户 ${d.ownerId}` },
          { title: '审核', dataIndex: 'review', render: (r: Row['review']) => reviewStateTags[r] },
          {
            title: '状态',
            key: 'state',
            render: (_, d) => (d.settled ? '已结算' : d.paid ? '已支付' : '未支付'),
          },
          { title: '发布时间', dataIndex: 'createdAt', render: (d: Date) => dateTime(d) },
        ]}
      />
      <Drawer
        open={openId !== null}
        onClose={() => setOpenId(null)}
        size={960}
        title="需求详情"
        destroyOnHidden
      >
        {openId !== null && <DemandDetail id={openId} />}
      </Drawer>
    </Flex>
  );
}
