/** The `{res, err, data}` body every legacy client parses (CONTRACT.md §2). */
export interface Envelope {
  res: 0 | 1;
  err: string;
  data: unknown;
}

export const success = (data: unknown): Envelope => ({ res: 1, err: '', data: data ?? '' });
export const failure = (err: string): Envelope => ({ res: 0, err, data: '' });

/** Chinese messages for failures decided outside any procedure, by HTTP status. */
export const transportFailures = {
  400: '请求格式错误',
  404: '接口不存在',
  405: '请求方式不支持',
  413: '请求内容过大',
  415: '不支持的请求格式',
  500: '服务器内部错误',
  503: '服务暂时不可用，请稍后再试',
} as const;
