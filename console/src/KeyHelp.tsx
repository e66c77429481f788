import { Alert } from 'antd';

/** The queues' keys, said on the page so nobody has to guess them. */
export function KeyHelp() {
  return (
    <Alert
      type="info"
      showIcon
      title="快捷键：j 或 ↓ 下一条，k 或 ↑ 上一条，a 通过，r 驳回（填写原因后按回车提交，Esc 取消）"
    />
  );
}
