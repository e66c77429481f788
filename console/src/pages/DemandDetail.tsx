import type { RouterOutputs } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useRef, useState } from 'react';
import { date, dateTime } from '../dates.js';
import { describeError } from '../errors.js';
import { FileLinks } from '../FileLinks.js';
import { escrowKindLabels, kindLabels, settlementLabels } from '../labels.js';
import { yuan } from '../money.js';
import { RefreshFailed } from '../RefreshFailed.js';
import { reviewStateTags } from '../VerificationDetails.js';
import { applicationState } from './UserDetail.js';

type Detail = RouterOutputs['admin']['demand'];
type Application = Detail['applications'][number];
type EscrowEntry = Detail['escrowEntries'][number];

/**
 * One demand: what was asked, who applied and was selected, where its money went. Read only but for
 * two writes the owner cannot make: releasing a selected applicant who never delivered (selection
 * otherwise only grows, and their share would hold the escrow for good), and giving a paid demand's
 * escrow back to its owner while nobody is selected (a paid demand cannot be deleted).
 */
export function DemandDetail({ id }: { id: number }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.admin.demand.queryOptions({ id }));
  if (detail.isPending) return <Spin />;
  if (detail.data === undefined) return <Alert type="error" title={describeError(detail.error)} />;
  const { demand, poster, applications, escrowEntries } = detail.data;
  const selected = new Set(demand.selectedApplicationIds);
  // Nobody selected, or every one selected paid (an imported demand left unsettled): escrow is no one's.
  const nothingPromised = applications.every((a) => a.paid || !selected.has(a.id));
  return (
    <Flex vertical gap="middle">
      {detail.isError && <RefreshFailed error={detail.error} />}
      <Descriptions column={2} size="small" bordered title={demand.title}>
        <Descriptions.Item label="编号">
          {demand.id}（{demand.orderNo}）
        </Descriptions.Item>
        <Descriptions.Item label="审核">
          {reviewStateTags[demand.review]} {demand.reviewReason}
        </Descriptions.Item>
        <Descriptions.Item label="类型">{kindLabels[demand.kind]}</Descriptions.Item>
        <Descriptions.Item label="结算方式">{settlementLabels[demand.settlement]}</Descriptions.Item>
        <Descriptions.Item label="价格">¥{yuan(demand.priceFen)}</Descriptions.Item>
        <Descriptions.Item label="托管余额">
          <Space>
            ¥{yuan(demand.escrowFen)}
            {demand.paid && !demand.settled && nothingPromised && (
              <ReturnEscrow detail={detail.data} settles={selected.size > 0} />
            )}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label="支付">
          {demand.settled ? '已结算' : demand.paid ? '已支付' : '未支付'}
        </Descriptions.Item>
        <Descriptions.Item label="工作日期">
          {date(demand.workStart)} 至 {date(demand.workEnd)}
        </Descriptions.Item>
        <Descriptions.Item label="发布人">
          {poster ? (
            <Space>
              {poster.phone}（用户 {poster.id}）
              {poster.verified ? <Tag color="green">已认证</Tag> : <Tag>未认证</Tag>}
              {poster.companyName}
            </Space>
          ) : (
            `用户 ${demand.ownerId}`
          )}
        </Descriptions.Item>
        <Descriptions.Item label="发布时间">{dateTime(demand.createdAt)}</Descriptions.Item>
        <Descriptions.Item label="描述" span={2}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
            {demand.description}
          </Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label="附件" span={2}>
          <FileLinks urls={demand.files.map((file) => file.url)} />
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5}>申请（{applications.length}）</Typography.Title>
      <Table<Application>
        rowKey="id"
        size="small"
        dataSource={applications}
        pagination={false}
        locale={{ emptyText: '暂无申请' }}
        // What each applicant sent and delivered: what an operator checks before releasing one.
        expandable={{ expandedRowRender: (a) => <ApplicationFiles application={a} /> }}
        columns={[
          { title: 'ID', dataIndex: 'id' },
          {
            title: '申请人',
            key: 'applicant',
            render: (_, a) => a.applicantPhone ?? `用户 ${a.applicantId}`,
          },
          { title: '状态', key: 'state', render: (_, a) => applicationState(a) },
          {
            title: '选中',
            key: 'selected',
            render: (_, a) => (selected.has(a.id) ? <Tag color="blue">已选中</Tag> : ''),
          },
          { title: '分配（元）', dataIndex: 'allocatedFen', align: 'right', render: (f: number) => yuan(f) },
          { title: '已付（元）', dataIndex: 'paidFen', align: 'right', render: (f: number) => yuan(f) },
          { title: '留言', dataIndex: 'message', ellipsis: true },
          { title: '申请时间', dataIndex: 'createdAt', render: (d: Date) => dateTime(d) },
          {
            title: '操作',
            key: 'actions',
            render: (_, a) =>
              // Delivered ones are the owner's to pay (or a dispute outside the service); paid ones are done.
              !demand.settled && selected.has(a.id) && !a.delivered && !a.paid ? (
                <ReleaseSelection application={a} />
              ) : null,
          },
        ]}
      />
      <Typography.Title level={5}>托管流水</Typography.Title>
      <Table<EscrowEntry>
        rowKey="id"
        size="small"
        dataSource={escrowEntries}
        pagination={false}
        locale={{ emptyText: '暂无托管流水' }}
        columns={[
          { title: '时间', dataIndex: 'createdAt', render: (d: Date) => dateTime(d) },
          { title: '类型', dataIndex: 'kind', render: (k: EscrowEntry['kind']) => escrowKindLabels[k] },
          {
            title: '金额（元）',
            dataIndex: 'amountFen',
            align: 'right',
            render: (fen: number) => (fen > 0 ? `+${yuan(fen)}` : yuan(fen)),
          },
          { title: '申请', dataIndex: 'applicationId', render: (id: number | null) => id ?? '' },
          { title: '备注', dataIndex: 'note' },
        ]}
      />
    </Flex>
  );
}

function ApplicationFiles({ application }: { application: Application }) {
  return (
    <Descriptions column={3} size="small" layout="vertical">
      <Descriptions.Item label="申请附件">
        <FileLinks urls={application.files} />
      </Descriptions.Item>
      <Descriptions.Item label="交付预览">
        <FileLinks urls={application.deliveryPreview} />
      </Descriptions.Item>
      <Descriptions.Item label="交付源文件">
        <FileLinks urls={application.deliverySource === null ? [] : [application.deliverySource]} />
      </Descriptions.Item>
    </Descriptions>
  );
}

/** Gives the escrow back to the poster's wallet; the service refuses it once someone is selected unpaid. */
function ReturnEscrow({ detail, settles }: { detail: Detail; settles: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { demand } = detail;
  const giveBack = useMutation(
    trpc.demands.returnEscrow.mutationOptions({
      // Blocks, not expressions: React Query would wait for the toast's thenable.
      onSuccess: ({ refundedFen }) => {
        message.success(`已退回 ¥${yuan(refundedFen)}`);
      },
      onError: (error) => {
        message.error(describeError(error));
      },
      // Whatever the outcome: the poster may have selected someone meanwhile.
      onSettled: () => queryClient.invalidateQueries(trpc.admin.pathFilter()),
    }),
  );
  return (
    <Popconfirm
      title="退回托管款"
      description={
        settles
          ? `将剩余 ¥${yuan(demand.escrowFen)} 退回发布人钱包，需求变为已结算。`
          : `将 ¥${yuan(demand.escrowFen)} 退回发布人钱包，需求变为未支付。`
      }
      okText="退回"
      cancelText="取消"
      onConfirm={() => giveBack.mutateAsync({ id: demand.id }).catch(() => undefined)}
    >
      <Button size="small" danger loading={giveBack.isPending}>
        退回托管款
      </Button>
    </Popconfirm>
  );
}

/**
 * Releases a selected applicant who never delivered: unselected, their share goes to the others
 * still selected, or, when none is left, the escrow can then be given back (退回托管款). Asks why,
 * for the audit trail: the decision takes away what was promised to someone.
 */
function ReleaseSelection({ application }: { application: Application }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const sending = useRef(false);
  const who = application.applicantPhone ?? `用户 ${application.applicantId}`;
  const release = useMutation(
    trpc.demands.releaseSelection.mutationOptions({
      // Blocks, not expressions: React Query would wait for the toast's thenable.
      onSuccess: () => {
        message.success(`已释放 ${who}`);
        setOpen(false);
      },
      onError: (error) => {
        message.error(describeError(error));
      },
      // Whatever the outcome: the applicant may have delivered meanwhile.
      onSettled: () => queryClient.invalidateQueries(trpc.admin.pathFilter()),
    }),
  );
  return (
    <>
      <Button size="small" danger onClick={() => setOpen(true)}>
        释放接单人
      </Button>
      <Modal
        open={open}
        title={`释放接单人：${who}`}
        okText="确认释放"
        okButtonProps={{ danger: true, loading: release.isPending }}
        cancelText="取消"
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          该申请将取消选中（接单人可撤回申请），其分配的 ¥{yuan(application.allocatedFen)}{' '}
          改由其余已选中、未付款的申请平分；没有其余接单人时，可再退回托管款。
        </Typography.Paragraph>
        <Form
          name="release"
          form={form}
          layout="vertical"
          onFinish={({ reason = '' }) => {
            // A double click submits twice before the pending state renders: the second release
            // would be refused (not selected any more) right after the first one's success.
            if (sending.current || reason.trim() === '') return;
            sending.current = true;
            release.mutate(
              { applicationId: application.id, reason: reason.trim() },
              { onSettled: () => (sending.current = false) },
            );
          }}
        >
          <Form.Item
            name="reason"
            label="释放原因"
            rules={[{ required: true, whitespace: true, message: '请填写释放原因（记入操作记录）' }]}
          >
            <Input autoFocus maxLength={255} placeholder="例如：逾期未交付，联系不上" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
