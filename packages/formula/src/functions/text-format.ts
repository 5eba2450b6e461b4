/**
 * TEXT(value, format): spreadsheet-style formats.
 * Numbers: `0` a digit, `#` an optional digit, `,` in the integer part groups thousands,
 * `.` the decimal point, `%` multiplies by 100; other characters (or "quoted" text) are
 * printed as they are: "0.00", "#,##0.00", "0%", "EUR #,##0.00".
 * Dates: YYYY YY, MMMM MMM MM M (month), DDDD DDD DD D (weekday names / day),
 * HH H (hour 0–23), mm m (minutes after an hour or before seconds), SS S.
 */
import { isDec, ROUND_HALF_UP, snap, type Dec } from '../decimal.js';
import { civilFromDays, MS_PER_DAY, weekday0 } from '../dates.js';
import { LIMITS } from '../limits.js';
import { CellError, checkText, DateTimeV, DateV, Money, toText, valueError, type Value } from '../values.js';
import type { Plain } from './registry.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function formatText(v: Plain, format: string): Value {
  if (format.length > 1000) return valueError('the format is longer than 1000 characters');
  if (v instanceof DateV || v instanceof DateTimeV) return formatDate(v instanceof DateV ? v.days * MS_PER_DAY : v.ms, format);
  const n = v instanceof Money ? v.amount : isDec(v) ? v : null;
  if (n === null) return toText(v);
  if (format === '' || format.toLowerCase() === 'general') return toText(n);
  return formatNumber(n, format);
}

/** Removes the quotes of "literal" sections and the backslash of \x. */
function literal(s: string): string {
  return s.replace(/"([^"]*)"|\\(.)/g, (_, quoted: string | undefined, escaped: string | undefined) => quoted ?? escaped ?? '');
}

export function formatNumber(n: Dec, format: string): string | CellError {
  const m = /^((?:"[^"]*"|\\.|[^0#.,"\\])*)([0#,]*)(?:\.([0#]*))?((?:"[^"]*"|\\.|[^0#"\\])*)$/.exec(format);
  if (!m || (!m[2] && m[3] === undefined)) return valueError(`"${format}" is not a number format (e.g. "0.00", "#,##0")`);
  const prefix = m[1]!;
  const intPart = m[2]!;
  const fracPart = m[3] ?? '';
  const suffix = m[4]!;
  const percent = (prefix + suffix).replace(/"[^"]*"/g, '').includes('%');
  let x = snap(n);
  if (percent) x = x.times(100);
  const minFrac = (fracPart.match(/0/g) ?? []).length;
  const maxFrac = fracPart.length;
  const minInt = (intPart.match(/0/g) ?? []).length;
  const group = intPart.includes(',');
  const rounded = x.abs().toDecimalPlaces(maxFrac, ROUND_HALF_UP);
  let [int, frac = ''] = rounded.toFixed(maxFrac).split('.') as [string, string?];
  while (frac.length > minFrac && frac.endsWith('0')) frac = frac.slice(0, -1);
  int = int.replace(/^0+/, '').padStart(minInt, '0');
  if (group) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const negative = x.isNegative() && !rounded.isZero();
  const body = int + (frac || (m[3] !== undefined && maxFrac === 0) ? '.' + frac : '');
  return checkText(`${negative ? '-' : ''}${literal(prefix)}${body}${literal(suffix)}`) as string | CellError;
}

const DATE_TOKEN = /"[^"]*"|\\.|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am\/pm|./gi;

export function formatDate(ms: number, format: string): string | CellError {
  const days = Math.floor(ms / MS_PER_DAY);
  const c = civilFromDays(days);
  const rest = ms - days * MS_PER_DAY;
  const hour = Math.floor(rest / 3_600_000);
  const minute = Math.floor((rest % 3_600_000) / 60_000);
  const second = Math.floor((rest % 60_000) / 1000);
  const tokens = format.match(DATE_TOKEN) ?? [];
  const kinds = tokens.map((t) => t.toLowerCase());
  const shownHour = kinds.includes('am/pm') ? ((hour + 11) % 12) + 1 : hour;
  const pad = (v: number, w = 2): string => String(v).padStart(w, '0');
  const neighbour = (i: number, step: number): string | undefined => {
    for (let j = i + step; j >= 0 && j < kinds.length; j += step) {
      if (/^[hsymd]/.test(kinds[j]!) && kinds[j] !== 'am/pm') return kinds[j]![0];
    }
    return undefined;
  };
  let out = '';
  tokens.forEach((t, i) => {
    const k = kinds[i]!;
    // m/mm after an hour or before seconds means minutes (as in spreadsheets); uppercase M is always month
    const minutes = (k === 'm' || k === 'mm') && !t.startsWith('M') && (neighbour(i, -1) === 'h' || neighbour(i, 1) === 's');
    if (minutes) out += k === 'mm' ? pad(minute) : String(minute);
    else if (k === 'yyyy') out += pad(c.y, 4);
    else if (k === 'yy') out += pad(c.y % 100);
    else if (k === 'mmmm') out += MONTHS[c.m - 1];
    else if (k === 'mmm') out += MONTHS[c.m - 1]!.slice(0, 3);
    else if (k === 'mm') out += pad(c.m);
    else if (k === 'm') out += String(c.m);
    else if (k === 'dddd') out += DAYS[weekday0(days)];
    else if (k === 'ddd') out += DAYS[weekday0(days)]!.slice(0, 3);
    else if (k === 'dd') out += pad(c.d);
    else if (k === 'd') out += String(c.d);
    else if (k === 'hh') out += pad(shownHour);
    else if (k === 'h') out += String(shownHour);
    else if (k === 'ss') out += pad(second);
    else if (k === 's') out += String(second);
    else if (k === 'am/pm') out += hour < 12 ? 'AM' : 'PM';
    else out += literal(t);
  });
  return out.length > LIMITS.maxTextLength ? valueError('text too long') : out;
}
