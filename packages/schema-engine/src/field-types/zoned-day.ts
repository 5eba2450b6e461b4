/**
 * Calendar arithmetic without a binary-float or time-zone library: UTC instants from
 * parts (years 1–9999, no 19xx mapping of two-digit years), and the first instant of a
 * calendar day in an IANA time zone (used by date-time filters that name a day).
 */
import { ValueError } from '../errors.js';

/** Epoch milliseconds of a UTC wall time; years below 100 are taken literally. */
export function utcMs(y: number, month0: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, month0, d);
  dt.setUTCHours(h, mi, s, ms);
  return dt.getTime();
}

/** Whether y-m-d (month 1–12) is a real calendar date in years 1–9999. */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(utcMs(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      throw new ValueError('INVALID_TIME_ZONE', `unknown time zone ${JSON.stringify(timeZone.slice(0, 60))}`);
    }
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at an instant, in milliseconds (east positive). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instant))) parts[p.type] = p.value;
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
  const local = utcMs(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return local - Math.floor(instant / 1000) * 1000;
}

/**
 * The first instant of the calendar day `YYYY-MM-DD` in `timeZone` (UTC when absent), as
 * epoch milliseconds. Where midnight does not exist (a DST gap at 00:00) this is the first
 * instant after the gap.
 */
export function dayStartMs(date: string, timeZone?: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = utcMs(y, m - 1, d);
  if (!timeZone || timeZone === 'UTC') return wall;
  // The offsets in force on either side of any transition near that midnight; each gives a
  // candidate instant, and the day starts at the earliest candidate whose local date is it.
  const probes = [wall - 14 * HOUR, wall, wall + 14 * HOUR];
  const candidates = new Set(probes.map((p) => wall - zoneOffsetMs(p, timeZone)));
  let best = Infinity;
  for (const c of candidates) {
    const local = c + zoneOffsetMs(c, timeZone);
    if (local >= wall && local < wall + 24 * HOUR && c < best) best = c;
  }
  return Number.isFinite(best) ? best : wall - zoneOffsetMs(wall, timeZone);
}

const HOUR = 3_600_000;

/** `YYYY-MM-DD` plus n days. */
export function addDaysIso(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return isoDateOf(utcMs(y, m - 1, d + n));
}

/** The UTC calendar date of an instant, `YYYY-MM-DD` (years 1–9999). */
export function isoDateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
