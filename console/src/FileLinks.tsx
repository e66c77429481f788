import { Space, Typography } from 'antd';

/** Files as links named by their last path segment, one a line; 无 when there are none. */
export function FileLinks({ urls }: { urls: readonly string[] }) {
  if (urls.length === 0) return '无';
  return (
    <Space orientation="vertical" size={0}>
      {urls.map((url) => (
        <Typography.Link key={url} href={url} target="_blank" rel="noreferrer">
          {url.slice(url.lastIndexOf('/') + 1)}
        </Typography.Link>
      ))}
    </Space>
  );
}
