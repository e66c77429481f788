import { useTRPC } from '@marketplace/client-sdk/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Layout, Menu, Result, Space, Spin, Typography } from 'antd';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { endSession, listenForRefusals, storedToken } from './api.js';
import { showDatesIn } from './dates.js';
import { describeError } from './errors.js';
import { AuditLog } from './pages/AuditLog.js';
import { DemandQueue } from './pages/DemandQueue.js';
import { Demands } from './pages/Demands.js';
import { InvoiceQueue } from './pages/InvoiceQueue.js';
import { Login } from './pages/Login.js';
import { Users } from './pages/Users.js';
import { VerificationQueue } from './pages/VerificationQueue.js';
import { type PageKey, usePage } from './usePage.js';

type EndedBy = 'adminOnly' | 'loggedOut' | 'byChoice';

/** Why the login page shows instead of the console, when the operator did not log out themselves. */
const notices: Record<EndedBy, ReactNode> = {
  adminOnly: (
    <Alert
      type="error"
      showIcon
      title="仅限管理员"
      description="该账号不是管理员，不能使用运营控制台，已退出登录。"
      style={{ marginBottom: 16 }}
    />
  ),
  loggedOut: (
    <Alert
      type="warning"
      showIcon
      title="登录已失效"
      description="登录已过期或已在别处退出，请重新登录后继续操作。"
      style={{ marginBottom: 16 }}
    />
  ),
  byChoice: null,
};

/** The session: the login page until an admin is logged in, then the console. */
export function App() {
  const queryClient = useQueryClient();
  const [token, setToken] = useState(storedToken.get);
  const [endedBy, setEndedBy] = useState<EndedBy>('byChoice');

  const logout = useCallback(
    (why: EndedBy) => {
      const current = storedToken.get();
      storedToken.set(null);
      setToken(null);
      setEndedBy(why);
      // What this operator saw must not show for the next one.
      queryClient.clear();
      if (current) endSession(current);
    },
    [queryClient],
  );
  useEffect(() => listenForRefusals(logout), [logout]);

  if (!token) {
    return (
      <Login
        notice={notices[endedBy]}
        onLogin={(next) => {
          storedToken.set(next);
          setEndedBy('byChoice');
          setToken(next);
        }}
      />
    );
  }
  return <AdminGate onLogout={logout} />;
}

/** Asks who is logged in; only an admin gets past. */
function AdminGate({ onLogout }: { onLogout: (why: 'adminOnly' | 'byChoice') => void }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.user.me.queryOptions());
  const isAdmin = me.data?.isAdmin;
  // Dates are shown in the service's time zone: known before any page shows one.
  const settings = useQuery({ ...trpc.admin.settings.queryOptions(), enabled: isAdmin === true });
  useEffect(() => {
    if (isAdmin === false) onLogout('adminOnly');
  }, [isAdmin, onLogout]);
  const failed = me.error ?? settings.error;
  if (failed) {
    return (
      <Result
        status="error"
        title={describeError(failed)}
        extra={<Button onClick={() => onLogout('byChoice')}>重新登录</Button>}
      />
    );
  }
  if (!me.data?.isAdmin || !settings.data) return <Spin fullscreen />;
  showDatesIn(settings.data.displayTimeZone);
  return <Shell phone={me.data.phone} onLogout={() => onLogout('byChoice')} />;
}

function Shell({ phone, onLogout }: { phone: string; onLogout: () => void }) {
  const trpc = useTRPC();
  const [page, setPage] = usePage();
  // Refreshed by every decision, and every minute for what other operators and users do meanwhile.
  const counts = useQuery({ ...trpc.admin.queueCounts.queryOptions(), refetchInterval: 60_000 });
  const labelled = (label: string, count: number | undefined): ReactNode => (
    <Space>
      {label}
      <Badge count={count ?? 0} showZero overflowCount={999} color={count ? '#fa541c' : '#bfbfbf'} />
    </Space>
  );
  const pages: Record<PageKey, { label: ReactNode; title: string; body: ReactNode }> = {
    demandQueue: {
      label: labelled('需求审核', counts.data?.demands),
      title: '需求审核',
      body: <DemandQueue />,
    },
    verificationQueue: {
      label: labelled('认证审核', counts.data?.verifications),
      title: '认证审核',
      body: <VerificationQueue />,
    },
    invoiceQueue: {
      label: labelled('发票开具', counts.data?.invoices),
      title: '发票开具',
      body: <InvoiceQueue />,
    },
    users: { label: '用户', title: '用户', body: <Users /> },
    demands: { label: '需求', title: '需求', body: <Demands /> },
    audit: { label: '操作记录', title: '操作记录', body: <AuditLog /> },
  };
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={200} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
        <Typography.Title level={5} style={{ padding: '16px 24px', margin: 0 }}>
          运营控制台
        </Typography.Title>
        <Menu
          mode="inline"
          selectedKeys={[page]}
          onClick={({ key, domEvent }) => {
            // Focus leaves the menu: ↓ and Enter pressed next are the queue's keys, and the menu
            // moved with them, Enter then opening the page below.
            (domEvent.currentTarget as HTMLElement | null)?.blur();
            setPage(key as PageKey);
          }}
          items={Object.entries(pages).map(([key, p]) => ({ key, label: p.label }))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
          }}
        >
          <Typography.Title level={4} style={{ margin: 0 }}>
            {pages[page].title}
          </Typography.Title>
          <Space>
            <Typography.Text type="secondary">管理员 {phone}</Typography.Text>
            <Button onClick={onLogout}>退出登录</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>{pages[page].body}</Layout.Content>
      </Layout>
    </Layout>
  );
}
