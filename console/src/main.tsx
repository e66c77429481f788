import { TRPCProvider } from '@marketplace/client-sdk/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { queryClient, trpcClient } from './api.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    {/* No space inserted into two-character labels (登录 stays 登录, as tests and screen readers read it). */}
    <ConfigProvider locale={zhCN} button={{ autoInsertSpace: false }}>
      {/* antd's App gives message and modal the locale and theme above. */}
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
            <App />
          </TRPCProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
