import { Empty } from 'antd';

export function Demands() {
  return <Empty description="即将推出" />;
}
