import { Empty } from 'antd';

export function Users() {
  return <Empty description="即将推出" />;
}
