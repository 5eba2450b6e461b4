/**
 * Date functions: TODAY, NOW, DATE, YEAR, MONTH, DAY, WEEKDAY, DATEADD, DATEDIFF, EOMONTH.
 * Dates are whole days, date-times UTC instants (the caller applies the workspace's time
 * zone). A blank date gives a blank result. Adding months clamps to the month's end.
 */
import { dec, toInt } from '../decimal.js';
import { addMonths, civilFromDays, daysFromCivil, daysInMonth, formatIsoDate, MS_PER_DAY, parseIsoDate, validYear } from '../dates.js';
import { addDays, checkDate, checkDateTime } from '../operators.js';
import { T } from '../static-types.js';
import type { TypeInfo } from '../types.js';
import { CellError, DateTimeV, DateV, isError, toDays, toNumber, toText, valueError, type Value } from '../values.js';
import { defineFunctions, expectArg, expectArgs, literalText, type CheckCtx, type Plain } from './registry.js';

const UNITS = ['day', 'week', 'month', 'year'] as const;
type Unit = (typeof UNITS)[number];

function unitOf(v: Plain): Unit | CellError {
  const u = toText(v).trim().toLowerCase().replace(/s$/, '');
  return (UNITS as readonly string[]).includes(u)
    ? (u as Unit)
    : valueError(`unknown unit "${toText(v)}": use "day", "week", "month" or "year"`);
}

function checkUnit(c: CheckCtx, i: number): void {
  const lit = literalText(c, i);
  if (lit !== null && isError(unitOf(lit))) c.fail(i, `unknown unit "${lit}": use "day", "week", "month" or "year"`);
}

function integer(v: Plain): number | CellError {
  const n = toNumber(v);
  return isError(n) ? n : toInt(n);
}

/** A date part function: YEAR, MONTH, DAY. */
function part(name: string, pick: (c: { y: number; m: number; d: number }) => number) {
  return {
    name,
    min: 1,
    max: 1,
    type: (c: CheckCtx): TypeInfo => (expectArg(c, 0, 'date'), T.number),
    run: ([v]: Plain[]): Value => {
      const days = toDays(v!);
      return days === null || isError(days) ? days : dec(pick(civilFromDays(days)));
    },
  };
}

/** Whole months from a to b, as spreadsheets' DATEDIF "m" (a partial month does not count). */
function wholeMonths(a: number, b: number): number {
  if (b < a) return -wholeMonths(b, a);
  const x = civilFromDays(a);
  const y = civilFromDays(b);
  return (y.y - x.y) * 12 + (y.m - x.m) - (y.d < x.d ? 1 : 0);
}

export const dateFunctions = defineFunctions([
  {
    name: 'TODAY',
    min: 0,
    max: 0,
    volatile: true,
    type: () => T.date,
    run: (_args, rt) => {
      const today = rt.ctx.today?.() ?? formatIsoDate(Math.floor((rt.ctx.now?.() ?? new Date()).getTime() / MS_PER_DAY));
      const days = parseIsoDate(today);
      return days === null ? valueError('the context gave an invalid date for today') : new DateV(days);
    },
  },
  {
    name: 'NOW',
    min: 0,
    max: 0,
    volatile: true,
    type: () => T.dateTime,
    run: (_args, rt) => checkDateTime((rt.ctx.now?.() ?? new Date()).getTime()),
  },
  {
    name: 'DATE',
    min: 3,
    max: 3,
    type: (c) => (expectArgs(c, ['number', 'number', 'number']), T.date),
    run: ([y, m, d]) => {
      const parts = [integer(y!), integer(m!), integer(d!)];
      const bad = parts.find(isError);
      if (bad) return bad;
      const [yy, mm, dd] = parts as number[];
      // months and days beyond their range roll over, as in spreadsheets: DATE(2024, 13, 1) = 2025-01-01
      const c = addMonths({ y: yy!, m: 1, d: 1 }, mm! - 1);
      if (!validYear(c.y) || Math.abs(dd!) > 4_000_000) return new CellError('#NUM!', 'year out of range 1–9999');
      return checkDate(daysFromCivil(c.y, c.m, 1) + dd! - 1);
    },
  },
  part('YEAR', (c) => c.y),
  part('MONTH', (c) => c.m),
  part('DAY', (c) => c.d),
  {
    name: 'WEEKDAY',
    min: 1,
    max: 2,
    type: (c) => (expectArgs(c, ['date', 'number']), T.number),
    run: ([v, kind]) => {
      const days = toDays(v!);
      if (days === null || isError(days)) return days;
      const k = kind === undefined ? 1 : integer(kind);
      if (isError(k)) return k;
      const w = (((days + 4) % 7) + 7) % 7; // 0 = Sunday
      if (k === 1) return dec(w + 1); // Sunday = 1 … Saturday = 7
      if (k === 2) return dec(((w + 6) % 7) + 1); // Monday = 1 … Sunday = 7
      if (k === 3) return dec((w + 6) % 7); // Monday = 0 … Sunday = 6
      return new CellError('#NUM!', 'WEEKDAY type must be 1, 2 or 3');
    },
  },
  {
    name: 'DATEADD',
    min: 3,
    max: 3,
    type: (c) => {
      expectArgs(c, ['date', 'number', 'text']);
      checkUnit(c, 2);
      return c.args[0]!.type === 'dateTime' || c.args[0]!.type === 'any' ? c.args[0]! : T.date;
    },
    run: ([v, n, u]) => {
      const unit = unitOf(u!);
      if (isError(unit)) return unit;
      const count = integer(n!);
      if (isError(count)) return count;
      const start: DateV | DateTimeV | null | CellError =
        v instanceof DateTimeV
          ? v
          : (() => {
              const d = toDays(v!);
              return d === null || isError(d) ? d : new DateV(d);
            })();
      if (start === null || isError(start)) return start;
      if (unit === 'day' || unit === 'week') return addDays(start, dec(count * (unit === 'week' ? 7 : 1)));
      if (Math.abs(count) > 120_000) return new CellError('#NUM!', 'date out of range');
      const months = unit === 'year' ? count * 12 : count;
      const days = start instanceof DateV ? start.days : Math.floor(start.ms / MS_PER_DAY);
      const c = addMonths(civilFromDays(days), months);
      if (!validYear(c.y)) return new CellError('#NUM!', 'date out of range');
      const moved = daysFromCivil(c.y, c.m, c.d);
      return start instanceof DateV ? new DateV(moved) : checkDateTime(start.ms + (moved - days) * MS_PER_DAY);
    },
  },
  {
    name: 'DATEDIFF',
    min: 3,
    max: 3,
    type: (c) => {
      expectArgs(c, ['date', 'date', 'text']);
      checkUnit(c, 2);
      return T.number;
    },
    run: ([a, b, u]) => {
      const unit = unitOf(u!);
      if (isError(unit)) return unit;
      const start = toDays(a!);
      const end = toDays(b!);
      if (start === null || isError(start)) return start;
      if (end === null || isError(end)) return end;
      const days = end - start;
      if (unit === 'day') return dec(days);
      if (unit === 'week') return dec(Math.trunc(days / 7));
      const months = wholeMonths(start, end);
      return dec(unit === 'month' ? months : Math.trunc(months / 12));
    },
  },
  {
    name: 'EOMONTH',
    min: 2,
    max: 2,
    type: (c) => (expectArgs(c, ['date', 'number']), T.date),
    run: ([v, n]) => {
      const days = toDays(v!);
      if (days === null || isError(days)) return days;
      const months = integer(n!);
      if (isError(months)) return months;
      if (Math.abs(months) > 120_000) return new CellError('#NUM!', 'date out of range');
      const c = addMonths({ ...civilFromDays(days), d: 1 }, months);
      if (!validYear(c.y)) return new CellError('#NUM!', 'date out of range');
      return new DateV(daysFromCivil(c.y, c.m, daysInMonth(c.y, c.m)));
    },
  },
]);
