import { Empty } from 'antd';

export function AuditLog() {
  return <Empty description="即将推出" />;
}
