/** The marketplace's calendar is China's, whatever the operator's laptop is set to. */
const zone = 'Asia/Shanghai';

export const dateTime = (d: Date | null | undefined): string =>
  d ? d.toLocaleString('zh-CN', { timeZone: zone, hour12: false }) : '—';

export const date = (d: Date | null | undefined): string =>
  d ? d.toLocaleDateString('zh-CN', { timeZone: zone }) : '—';
