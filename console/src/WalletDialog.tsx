import { isAppError } from '@marketplace/client-sdk';
import { useTRPC } from '@marketplace/client-sdk/react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal, Typography } from 'antd';
import { useRef, useState } from 'react';
import { describeError } from './errors.js';
import { newIdempotencyKey } from './idempotency.js';
import { fenOf, yuan } from './money.js';

export type WalletMove = 'credit' | 'withdraw';

const texts = {
  credit: {
    title: '充值',
    ok: '确认充值',
    done: '已充值',
    hint: '线下收到的款项（银行转账、现金）记入钱包。',
  },
  withdraw: {
    title: '提现',
    ok: '确认提现',
    done: '已提现',
    hint: '已线下打款到用户银行账户的金额从钱包扣除，余额不会低于零。',
  },
} as const;

interface WalletDialogProps {
  readonly move: WalletMove;
  readonly user: { readonly id: number; readonly phone: string };
  readonly balanceFen: number;
  readonly onClose: () => void;
}

/**
 * 充值 / 提现 of one account. Mounted for each opening, so the idempotency key is made once per
 * dialog: a double click, or a retry after a lost answer, moves the money once.
 */
export function WalletDialog({ move, user, balanceFen, onClose }: WalletDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ amount: string; note?: string }>();
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  // Set on the first submit, before React re-renders: a double click submits once.
  const sending = useRef(false);
  const text = texts[move];
  const done = async (amountFen: number) => {
    message.success(`${text.done} ¥${yuan(amountFen)}`);
    onClose();
    await Promise.all([
      queryClient.invalidateQueries(trpc.admin.user.queryFilter({ userId: user.id })),
      queryClient.invalidateQueries(trpc.admin.ledger.pathFilter()),
      queryClient.invalidateQueries(trpc.admin.auditLog.pathFilter()),
    ]);
  };
  const failed = (error: unknown) => {
    sending.current = false;
    // The service refused (e.g. BALANCE_TOO_LOW): nothing moved, and a corrected amount is a new
    // request. A lost answer keeps the key: the money may have moved, and a retry must not move it again.
    if (isAppError(error)) setIdempotencyKey(newIdempotencyKey());
  };
  const options = {
    onSuccess: (_: unknown, input: { amountFen: number }) => done(input.amountFen),
    onError: failed,
  };
  const credit = useMutation(trpc.wallet.credit.mutationOptions(options));
  const withdraw = useMutation(trpc.wallet.withdraw.mutationOptions(options));
  const mutation = move === 'credit' ? credit : withdraw;
  const submit = ({ amount, note }: { amount: string; note?: string }) => {
    const amountFen = fenOf(amount);
    if (amountFen === null || sending.current) return;
    sending.current = true;
    mutation.mutate({
      userId: user.id,
      amountFen,
      idempotencyKey,
      ...(note?.trim() ? { note: note.trim() } : {}),
    });
  };
  return (
    <Modal
      open
      title={`${text.title}：${user.phone}`}
      okText={text.ok}
      cancelText="取消"
      okButtonProps={{ loading: mutation.isPending, danger: move === 'withdraw' }}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Typography.Paragraph type="secondary">
        {text.hint} 当前余额 ¥{yuan(balanceFen)}。
      </Typography.Paragraph>
      <Form name={move} form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="amount"
          label="金额（元）"
          rules={[
            { required: true, message: '请输入金额' },
            {
              validator: (_, value: string | undefined) =>
                !value || fenOf(value) !== null
                  ? Promise.resolve()
                  : Promise.reject(new Error('请输入大于 0 的金额，最多两位小数')),
            },
          ]}
        >
          <Input autoFocus inputMode="decimal" placeholder="例如 100.00" prefix="¥" />
        </Form.Item>
        <Form.Item name="note" label="备注">
          <Input
            maxLength={255}
            placeholder={move === 'credit' ? '例如：银行转账 2026-12-01' : '例如：工行尾号 1234'}
          />
        </Form.Item>
      </Form>
      {mutation.isError && <Alert type="error" showIcon title={describeError(mutation.error)} />}
    </Modal>
  );
}
