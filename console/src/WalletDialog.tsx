import { useTRPC } from '@marketplace/client-sdk/react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal, Typography } from 'antd';
import { useRef, useState } from 'react';
import { newIdempotencyKey } from './idempotency.js';
import { fenOf, readYuan, yuan } from './money.js';
import { describeWalletFailure } from './walletFailures.js';

export type WalletMove = 'credit' | 'withdraw';

const texts = {
  credit: {
    title: '充值',
    ok: '确认充值',
    done: '已充值',
    verb: '入账',
    hint: '线下收到的款项（银行转账、现金）记入钱包。',
  },
  withdraw: {
    title: '提现',
    ok: '确认提现',
    done: '已提现',
    verb: '扣除',
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
 * dialog and kept whatever the answer: a double click, or a retry after a lost answer or a failure
 * that came after the money moved, moves it once. A refusal that moved nothing (BALANCE_TOO_LOW)
 * needs no new key either: the service stored no answer under it, so a corrected amount goes through.
 */
export function WalletDialog({ move, user, balanceFen, onClose }: WalletDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ amount: string; note?: string }>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  // Set on the first submit, before React re-renders: a double click submits once.
  const sending = useRef(false);
  const text = texts[move];
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.admin.user.queryFilter({ userId: user.id })),
      queryClient.invalidateQueries(trpc.admin.ledger.pathFilter()),
      queryClient.invalidateQueries(trpc.admin.auditLog.pathFilter()),
    ]);
  const done = async (amountFen: number) => {
    message.success(`${text.done} ¥${yuan(amountFen)}`);
    onClose();
    await refresh();
  };
  const failed = () => {
    sending.current = false;
    // The money may have moved all the same: the balance behind the dialog shows what it is now.
    // Not awaited, so the failure shows at once.
    void refresh();
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
              validator: (_, value: string | undefined) => {
                const reading = readYuan(value ?? '');
                return !value || 'fen' in reading
                  ? Promise.resolve()
                  : Promise.reject(new Error(reading.problem));
              },
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
      {mutation.isError && (
        <Alert type="error" showIcon title={describeWalletFailure(mutation.error, text.verb)} />
      )}
    </Modal>
  );
}
