import { describe, expect, it } from 'vitest';
import { calendarDate } from '../../server/src/fields.js';
import { formatLegacyDate, parseLegacyDate } from '../../server/src/legacy/codecs/dates.js';

describe('legacy dates', () => {
  it('formats like Intl in every zone, across DST changes and milliseconds', () => {
    for (const timeZone of ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Asia/Kathmandu', 'UTC']) {
      const intl = new Intl.DateTimeFormat('sv-SE', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      });
      let seed = 42;
      for (let i = 0; i < 3000; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const date = new Date((seed / 2 ** 31) * 4.2e12 + (i % 1000));
        expect(formatLegacyDate(date, timeZone), `${timeZone} ${date.toISOString()}`).toBe(intl.format(date));
      }
      // Unix seconds reach far past 9999, where toISOString writes the year differently.
      const farFuture = new Date(999_999_999_999 * 1000);
      expect(formatLegacyDate(farFuture, timeZone)).toBe(intl.format(farFuture));
    }
  });

  it('formats nothing for an absent or invalid date', () => {
    expect(formatLegacyDate(null, 'Asia/Shanghai')).toBe('');
    expect(formatLegacyDate(new Date(Number.NaN), 'Asia/Shanghai')).toBe('');
  });

  it('reads unix seconds, local dates and times, and ISO 8601 with a zone', () => {
    const tz = 'Asia/Shanghai';
    const iso = (value: unknown) => (parseLegacyDate(value, tz) as Date).toISOString();
    expect(iso(1798732800)).toBe('2026-12-31T16:00:00.000Z');
    expect(iso('1798732800')).toBe('2026-12-31T16:00:00.000Z');
    expect(iso('2027-01-01')).toBe('2026-12-31T16:00:00.000Z');
    expect(iso('2027-01-01 08:30:05')).toBe('2027-01-01T00:30:05.000Z');
    expect(iso('2027-01-01T00:30:05.000Z')).toBe('2027-01-01T00:30:05.000Z');
    expect(iso('2027-01-01T08:30:05+08:00')).toBe('2027-01-01T00:30:05.000Z');
    expect(parseLegacyDate('2026-03-08 02:30', 'America/New_York')).toBeInstanceOf(Date);
  });

  it('passes what it cannot read through for the schema to refuse, and absent as undefined', () => {
    expect(parseLegacyDate('2026-02-31', 'Asia/Shanghai')).toBe('2026-02-31');
    expect(parseLegacyDate('tomorrow', 'Asia/Shanghai')).toBe('tomorrow');
    expect(parseLegacyDate({ a: 1 }, 'Asia/Shanghai')).toEqual({ a: 1 });
    expect(parseLegacyDate('', 'Asia/Shanghai')).toBeUndefined();
    expect(parseLegacyDate(null, 'Asia/Shanghai')).toBeUndefined();
  });

  it('takes every day from 1900-01-01 to 2099-12-31 as a calendar date, whatever the display zone', () => {
    for (const timeZone of ['Asia/Shanghai', 'Pacific/Kiritimati', 'UTC', 'Etc/GMT+12']) {
      const accepted = (day: string) => calendarDate.safeParse(parseLegacyDate(day, timeZone)).success;
      expect(accepted('1900-01-01'), timeZone).toBe(true);
      expect(accepted('2099-12-31'), timeZone).toBe(true);
      expect(accepted('1899-12-30'), timeZone).toBe(false);
      expect(accepted('2100-01-02'), timeZone).toBe(false);
    }
  });
});
