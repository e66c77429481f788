/**
 * Legacy clients send times as unix seconds, `YYYY-MM-DD`, `YYYY-MM-DD HH:mm:ss` or ISO 8601
 * (serialized moment objects), and read them back as `YYYY-MM-DD HH:mm:ss` in the display time zone.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Swedish formats dates as ISO-like `YYYY-MM-DD HH:mm:ss`.
    formatter = new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Formats by arithmetic on the zone's UTC offset, which Intl is asked for once per quarter hour
 * of time (zones change offset only on such boundaries). A page of legacy rows holds dozens of
 * dates; Intl, and even `toISOString`, cost several times what integer arithmetic on the shifted
 * instant does (bench/README.md).
 */
export function formatLegacyDate(date: Date | null | undefined, timeZone: string): string {
  if (!date) return '';
  const instant = date.getTime();
  if (Number.isNaN(instant)) return '';
  const wallSeconds = Math.floor((instant + cachedOffsetMs(instant, timeZone)) / 1000);
  const days = Math.floor(wallSeconds / 86_400);
  const secondOfDay = wallSeconds - days * 86_400;
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return `${dayString(days)} ${twoDigits[hour]}:${twoDigits[minute]}:${twoDigits[secondOfDay % 60]}`;
}

/**
 * Entries each remembering map may hold before it starts over: rows span few days and quarter
 * hours in practice, but a scan of old data must not grow them forever.
 */
const cacheLimit = 50_000;

/**
 * `YYYY-MM-DD` of a wall-clock day, remembered: a page's dates fall on few days, and the calendar
 * arithmetic and string building cost more than the lookup.
 */
const dayStrings = new Map<number, string>();
function dayString(days: number): string {
  let text = dayStrings.get(days);
  if (text === undefined) {
    if (dayStrings.size > cacheLimit) dayStrings.clear();
    text = civilDate(days);
    dayStrings.set(days, text);
  }
  return text;
}

const twoDigits = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/** `YYYY-MM-DD` of a day count since 1970-01-01 (the proleptic Gregorian calendar, Hinnant's days_from_civil inverted). */
function civilDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // March = 0
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${twoDigits[month]}-${twoDigits[day]}`;
}

const quarterHourMs = 15 * 60 * 1000;
/** Per zone: quarter hour since the epoch → the zone's offset then. */
const offsetCache = new Map<string, Map<number, number>>();

function cachedOffsetMs(instant: number, timeZone: string): number {
  let offsets = offsetCache.get(timeZone);
  if (!offsets) {
    offsets = new Map();
    offsetCache.set(timeZone, offsets);
  }
  const quarter = Math.floor(instant / quarterHourMs);
  let offset = offsets.get(quarter);
  if (offset === undefined) {
    if (offsets.size > cacheLimit) offsets.clear();
    // A whole second: the offset must not carry the instant's milliseconds.
    offset = offsetMs(Math.floor(instant / 1000) * 1000, timeZone);
    offsets.set(quarter, offset);
  }
  return offset;
}

// ISO 8601 local times may carry a fraction of a second (`2026-12-01T08:00:00.000`); it is dropped.
const localDateTime = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
const isoWithZone = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * Translates a legacy time into a Date. Anything it cannot read is passed through unchanged, for
 * the procedure's schema to refuse with a field error (so the answer is `unknown`, not a Date);
 * absent stays undefined.
 */
export function parseLegacyDate(value: unknown, timeZone: string): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value !== 'string') return value;
  // Form boxes pad what they send; a blank one is "not given", like every other field.
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d{1,12}$/.test(trimmed)) return new Date(Number(trimmed) * 1000);
  const withZone = isoWithZone.exec(trimmed);
  if (withZone) return wallClockAsUtc(withZone) === undefined ? value : new Date(trimmed);
  const match = localDateTime.exec(trimmed);
  const asUtc = match ? wallClockAsUtc(match) : undefined;
  if (asUtc === undefined) return value;
  return new Date(asUtc - offsetMs(asUtc, timeZone));
}

/**
 * The matched wall-clock time (year, month, day, then hour, minute, second when given) as if it
 * were UTC, or undefined when a part is out of its range: Date would roll `2026-02-30` over to
 * March and `10:99` to 11:39, storing a time the client never sent.
 */
function wallClockAsUtc(parts: RegExpExecArray): number | undefined {
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = parts.slice(1, 7).map((part) => Number(part ?? 0));
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(asUtc);
  // Date.UTC also reads years 0–99 as 1900–1999.
  const same =
    check.getUTCFullYear() === y &&
    check.getUTCMonth() === mo - 1 &&
    check.getUTCDate() === d &&
    check.getUTCHours() === h &&
    check.getUTCMinutes() === mi &&
    check.getUTCSeconds() === s;
  return same ? asUtc : undefined;
}

/** How far the zone's wall clock is ahead of UTC around the given instant. */
function offsetMs(instant: number, timeZone: string): number {
  const wall = formatterFor(timeZone).format(new Date(instant));
  const [date = '', time = ''] = wall.split(' ');
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, s] = time.split(':').map(Number);
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0) - instant;
}
