/** Injected wherever time decides an outcome (token expiry, code validity, rate windows), so tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The calendar day of a moment in `timeZone`, as `YYYY-MM-DD`: a day as the users count it, from
 * their midnight (for Asia/Shanghai, 16:00 UTC), not from UTC's.
 */
export function calendarDayIn(timeZone: string): (now: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' });
  return (now) => format.format(now);
}
