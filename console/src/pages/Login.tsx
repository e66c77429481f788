import { useTRPC } from '@marketplace/client-sdk/react';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Tabs } from 'antd';
import type { ReactNode } from 'react';
import { describeError } from '../errors.js';

const phoneRule = { required: true, pattern: /^1\d{10}$/, message: '请输入11位手机号' };

/** 登录: an operator's phone with their password, or with a code sent to it. */
export function Login({ onLogin, notice }: { onLogin: (token: string) => void; notice?: ReactNode }) {
  return (
    <Flex justify="center" align="center" style={{ minHeight: '100vh', background: '#f5f5f5' }}>
      <Card title="运营控制台 · 管理员登录" style={{ width: 420 }}>
        {notice}
        <Tabs
          items={[
            { key: 'password', label: '密码登录', children: <PasswordLogin onLogin={onLogin} /> },
            { key: 'sms', label: '验证码登录', children: <SmsLogin onLogin={onLogin} /> },
          ]}
        />
      </Card>
    </Flex>
  );
}

function PasswordLogin({ onLogin }: { onLogin: (token: string) => void }) {
  const trpc = useTRPC();
  const login = useMutation(
    trpc.auth.loginWithPassword.mutationOptions({ onSuccess: (r) => onLogin(r.token) }),
  );
  return (
    <Form
      name="password"
      layout="vertical"
      onFinish={(values: { phone: string; password: string }) => login.mutate(values)}
    >
      <Form.Item name="phone" label="手机号" rules={[phoneRule]}>
        <Input autoComplete="username" inputMode="numeric" />
      </Form.Item>
      <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      {login.isError && (
        <Alert type="error" title={describeError(login.error)} style={{ marginBottom: 16 }} />
      )}
      <Button type="primary" htmlType="submit" block loading={login.isPending}>
        登录
      </Button>
    </Form>
  );
}

function SmsLogin({ onLogin }: { onLogin: (token: string) => void }) {
  const trpc = useTRPC();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ phone: string; code: string }>();
  const send = useMutation(
    // A block: returned, the toast's thenable would keep the button loading for the 3 s it shows.
    trpc.auth.requestSmsCode.mutationOptions({
      onSuccess: () => {
        message.success('验证码已发送');
      },
    }),
  );
  // An unknown phone is refused, not registered: nobody signs up to the marketplace here.
  const login = useMutation(
    trpc.auth.loginWithSmsCode.mutationOptions({ onSuccess: (r) => onLogin(r.token) }),
  );
  // Each action clears the other's failure, so the one shown is the last: a code refused as too
  // frequent must not hide behind the wrong code entered before it.
  const sendCode = async () => {
    const { phone } = await form.validateFields(['phone']);
    login.reset();
    send.mutate({ phone });
  };
  const failure = login.error ?? send.error;
  return (
    <Form
      name="sms"
      form={form}
      layout="vertical"
      onFinish={(values) => {
        send.reset();
        login.mutate({ ...values, register: false });
      }}
    >
      <Form.Item name="phone" label="手机号" rules={[phoneRule]}>
        <Input autoComplete="username" inputMode="numeric" />
      </Form.Item>
      <Form.Item label="验证码" required>
        <Flex gap="small">
          <Form.Item
            name="code"
            noStyle
            rules={[{ required: true, pattern: /^\d{6}$/, message: '请输入6位验证码' }]}
          >
            <Input aria-label="验证码" autoComplete="one-time-code" inputMode="numeric" maxLength={6} />
          </Form.Item>
          <Button onClick={sendCode} loading={send.isPending}>
            获取验证码
          </Button>
        </Flex>
      </Form.Item>
      {failure && <Alert type="error" title={describeError(failure)} style={{ marginBottom: 16 }} />}
      <Button type="primary" htmlType="submit" block loading={login.isPending}>
        登录
      </Button>
    </Form>
  );
}
