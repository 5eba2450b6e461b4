/**
 * Date-time: an instant. The wire takes ISO 8601 with `Z` or an offset
 * (`2026-11-26T14:05:00Z`, `2026-11-26T16:05:00+02:00`); a string without an offset is
 * refused (its instant would depend on a guess of the writer's zone), and so are invalid
 * calendar values (2026-02-30T…, 24:00, a 60th second). Fractions finer than a millisecond
 * are truncated to it.
 *
 * Stored as fixed-width UTC `YYYY-MM-DDTHH:MM:SS.sssZ` (years 0001–9999), so text order is
 * chronological and it compares as text with COLLATE "C" like date; the wire gives that
 * same form back.
 *
 * Filters take instants, and days: a date `"2026-11-26"` or a relative date
 * (`{"relative":"today"}`) names that whole calendar day in the workspace time zone
 * (ctx.timeZone, UTC when absent): `eq` is "within that day", `lt` before its start, `lte`
 * up to its end, `gt` after its end, `gte` from its start, `between` covers both days.
 */
import { ValueError } from '../errors.js';
import { MAX_IN_VALUES } from '../query/filter-compiler.js';
import { slotText, type SqlBuilder } from '../query/sql-builder.js';
import type { FieldMeta, FieldTypeDef, FilterOp, ValueContext } from '../types.js';
import { onlyKeys, optionsObject, ORDERED_OPS } from './common.js';
import { parseIsoDate } from './date.field-type.js';
import { isRelative, resolveRelativeDate } from './relative-date.js';
import { addDaysIso, dayStartMs, isCalendarDate, utcMs } from './zoned-day.js';

const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time with an offset → the stored fixed-width UTC text. */
export function parseIsoDateTime(input: unknown): string {
  const bad = (why: string) => new ValueError('INVALID_DATETIME', why);
  if (typeof input !== 'string') throw bad('must be an ISO 8601 date-time such as "2026-11-26T14:05:00Z"');
  const text = input.trim();
  const m = DATE_TIME_RE.exec(text);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text)) throw bad('needs a time zone offset: "Z" or e.g. "+02:00"');
    throw bad('must be an ISO 8601 date-time such as "2026-11-26T14:05:00Z"');
  }
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const s = Number(m[6] ?? 0);
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  if (!isCalendarDate(y!, mo!, d!)) throw bad(`${text.slice(0, 10)} is not a calendar date`);
  if (h! > 23 || mi! > 59 || s > 59) throw bad(`${text.slice(11, 19)} is not a time of day`);
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[8]!.slice(1, 3));
    const om = Number(m[8]!.slice(4, 6));
    if (oh > 23 || om > 59) throw bad(`${m[8]} is not an offset`);
    offsetMin = (m[8]!.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const t = utcMs(y!, mo! - 1, d!, h!, mi!, s, ms) - offsetMin * 60_000;
  const year = new Date(t).getUTCFullYear();
  if (year < 1 || year > 9999) throw bad('must fall in the years 0001–9999 (UTC)');
  return new Date(t).toISOString();
}

function isDayOperand(v: unknown): boolean {
  return isRelative(v) || (typeof v === 'string' && /^\s*\d{4}-\d{2}-\d{2}\s*$/.test(v));
}

/** A day operand → [first instant of the day, first instant of the next day) as stored text. */
function dayBounds(v: unknown, ctx: ValueContext): [string, string] {
  const day = isRelative(v) ? resolveRelativeDate(v, ctx) : parseIsoDate(v);
  const next = addDaysIso(day, 1);
  return [new Date(dayStartMs(day, ctx.timeZone)).toISOString(), new Date(dayStartMs(next, ctx.timeZone)).toISOString()];
}

function operand(value: unknown, ctx: ValueContext): string {
  return isDayOperand(value) ? dayBounds(value, ctx)[0] : parseIsoDateTime(value);
}

/** Operators where an operand names a whole day (see the module docblock). */
function compileWithDays(op: FilterOp, value: unknown, e: string, sql: SqlBuilder, ctx: ValueContext): string {
  const p = (v: string) => sql.param(v, 'text');
  const cmp = (o: 'eq' | 'lt' | 'lte' | 'gt' | 'gte', v: unknown): string => {
    if (!isDayOperand(v)) {
      const sym = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' }[o];
      return `(${e}) ${sym} ${p(parseIsoDateTime(v))}`;
    }
    const [start, end] = dayBounds(v, ctx);
    switch (o) {
      case 'eq':
        return `((${e}) >= ${p(start)} AND (${e}) < ${p(end)})`;
      case 'lt':
        return `(${e}) < ${p(start)}`;
      case 'lte':
        return `(${e}) < ${p(end)}`;
      case 'gt':
        return `(${e}) >= ${p(end)}`;
      case 'gte':
        return `(${e}) >= ${p(start)}`;
    }
  };
  const list = (): unknown[] => {
    if (!Array.isArray(value)) throw new ValueError('NOT_A_LIST', `${op} takes an array`);
    if (value.length > MAX_IN_VALUES) throw new ValueError('TOO_MANY_VALUES', `at most ${MAX_IN_VALUES} values`);
    return value;
  };
  switch (op) {
    case 'eq':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return cmp(op, value);
    case 'ne':
      return `NOT COALESCE(${cmp('eq', value)}, FALSE)`;
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) throw new ValueError('BETWEEN_NEEDS_TWO', 'between takes [from, to]');
      return `(${cmp('gte', value[0])} AND ${cmp('lte', value[1])})`;
    }
    case 'in':
    case 'nin': {
      const items = list();
      const any = items.length ? '(' + items.map((v) => cmp('eq', v)).join(' OR ') + ')' : 'FALSE';
      return op === 'in' ? any : `NOT COALESCE(${any}, FALSE)`;
    }
    default:
      throw new ValueError('INVALID_OPERATOR', `${op} does not apply to date-times`);
  }
}

function hasDayOperand(op: FilterOp, value: unknown): boolean {
  if (op === 'between' || op === 'in' || op === 'nin') return Array.isArray(value) && value.some(isDayOperand);
  return isDayOperand(value);
}

function sqlExpr(field: FieldMeta, alias: string): string {
  return `(${slotText(alias, field.slot)}) COLLATE "C"`;
}

export const dateTimeFieldType: FieldTypeDef = {
  type: 'dateTime',
  computed: false,
  derived: false,
  formulaType: () => ({ type: 'dateTime' }),
  sortable: true,
  canBePrimary: true,
  searchable: false,
  canBeUnique: true,
  operators: ORDERED_OPS,
  sqlKind: 'datetime',
  parseOptions(raw) {
    onlyKeys(optionsObject(raw), []);
    return {};
  },
  coerce: (input) => parseIsoDateTime(input),
  toWire: (stored) => stored,
  sqlExpr,
  filterOperand: (value, _field, ctx) => operand(value, ctx),
  compileOp(op, value, field, alias, sql, ctx) {
    if (op === 'isEmpty' || op === 'isNotEmpty' || !hasDayOperand(op, value)) return undefined;
    return compileWithDays(op, value, sqlExpr(field, alias), sql, ctx);
  },
  format(wire, _field, opts) {
    if (typeof wire !== 'string') return '';
    const t = Date.parse(wire);
    if (Number.isNaN(t)) return wire;
    const withSeconds = t % 60_000 !== 0;
    return new Intl.DateTimeFormat(opts?.locale ?? 'en-CA', {
      timeZone: opts?.timeZone ?? 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' as const } : {}),
      hourCycle: 'h23',
    }).format(new Date(t));
  },
};
