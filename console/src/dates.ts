/**
 * The marketplace's calendar (TZ_DISPLAY, China's by default), whatever the operator's laptop is
 * set to: the console asks the service for it once an admin is logged in (showDatesIn).
 */
let zone = 'Asia/Shanghai';

/** Shows every date from now on in `timeZone`: the service's TZ_DISPLAY (admin.settings). */
export function showDatesIn(timeZone: string): void {
  zone = timeZone;
}

export const dateTime = (d: Date | null | undefined): string =>
  d ? d.toLocaleString('zh-CN', { timeZone: zone, hour12: false }) : '—';

export const date = (d: Date | null | undefined): string =>
  d ? d.toLocaleDateString('zh-CN', { timeZone: zone }) : '—';
