import { Form, Input, type InputRef, Modal } from 'antd';
import { useEffect, useRef } from 'react';

interface RejectDialogProps {
  readonly open: boolean;
  /** What is being rejected, for the title. */
  readonly subject: string;
  readonly pending: boolean;
  readonly onSubmit: (reason: string) => void;
  readonly onCancel: () => void;
}

/** Asks why: the reason is shown to the user, so it is required. Enter submits. */
export function RejectDialog({ open, subject, pending, onSubmit, onCancel }: RejectDialogProps) {
  const [form] = Form.useForm<{ reason: string }>();
  const input = useRef<InputRef>(null);
  // Straight into the reason field, so an operator who pressed r can type and press Enter; once the
  // dialog shows (next frame), and again after its opening animation in case that took focus.
  useEffect(() => {
    if (!open) return;
    const frame = requestAnimationFrame(() => input.current?.focus());
    return () => cancelAnimationFrame(frame);
  }, [open]);
  return (
    <Modal
      open={open}
      title={`驳回：${subject}`}
      okText="确认驳回"
      okButtonProps={{ danger: true, loading: pending }}
      cancelText="取消"
      onOk={() => form.submit()}
      onCancel={onCancel}
      // Mounted while closed, so the form exists before the first open; emptied after each close.
      forceRender
      afterOpenChange={(opened) => opened && input.current?.focus()}
      afterClose={() => form.resetFields()}
    >
      <Form name="reject" form={form} layout="vertical" onFinish={(values) => onSubmit(values.reason.trim())}>
        <Form.Item
          name="reason"
          label="驳回原因"
          rules={[{ required: true, whitespace: true, message: '请填写驳回原因（用户会看到）' }]}
        >
          <Input ref={input} maxLength={255} placeholder="例如：证件照片不清晰" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
