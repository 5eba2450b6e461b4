/**
 * Date (no time): stored as ISO `YYYY-MM-DD` text and compared as text with COLLATE "C"
 * (chronological, and immutable so an index can serve it). Invalid calendar dates such as
 * 2026-02-30 are refused. Filters take relative dates too.
 */
import { ValueError } from '../errors.js';
import { slotText } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { onlyKeys, optionsObject, ORDERED_OPS } from './common.js';
import { isRelative, resolveRelativeDate } from './relative-date.js';
import { isCalendarDate, utcMs } from './zoned-day.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(input: unknown): string {
  if (typeof input !== 'string') throw new ValueError('INVALID_DATE', 'must be a date "YYYY-MM-DD"');
  const m = DATE_RE.exec(input.trim());
  if (!m) throw new ValueError('INVALID_DATE', 'must be a date "YYYY-MM-DD"');
  // isCalendarDate, not Date.UTC: Date.UTC maps the years 0–99 to 1900–1999
  if (!isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new ValueError('INVALID_DATE', `${input.trim()} is not a calendar date`);
  }
  return input.trim();
}

export const dateFieldType: FieldTypeDef = {
  type: 'date',
  computed: false,
  derived: false,
  formulaType: () => ({ type: 'date' }),
  sortable: true,
  canBePrimary: true,
  searchable: false,
  canBeUnique: true,
  operators: ORDERED_OPS,
  sqlKind: 'date',
  parseOptions(raw) {
    const o = optionsObject(raw);
    onlyKeys(o, []);
    return {};
  },
  coerce: (input) => parseIsoDate(input),
  toWire: (stored) => stored,
  sqlExpr: (field, alias) => `(${slotText(alias, field.slot)}) COLLATE "C"`,
  filterOperand: (value, _field, ctx) => (isRelative(value) ? resolveRelativeDate(value, ctx) : parseIsoDate(value)),
  format(wire, _field, opts) {
    if (typeof wire !== 'string') return '';
    const [y, m, d] = wire.split('-').map(Number) as [number, number, number];
    return new Intl.DateTimeFormat(opts?.locale ?? 'en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      new Date(utcMs(y, m - 1, d)),
    );
  },
};
