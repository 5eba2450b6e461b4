/**
 * Duration: a number of seconds, exact to the millisecond (at most 3 decimals), stored as a
 * decimal string and compared as numeric. Negative durations are allowed: a duration is
 * also the difference of two times (a deficit of hours, an early arrival), and refusing
 * them would make such values unrepresentable. Displayed as `h:mm:ss` (hours not capped
 * at 24, `.sss` when there are milliseconds, a leading `-` when negative).
 */
import { parseDecimal, numberToDecimalString } from '../decimal.js';
import { slotText } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { onlyKeys, optionsObject, ORDERED_OPS } from './common.js';
import { coerceDecimal, decimalToWire } from './number.field-type.js';

export const DURATION_SCALE = 3;

/** Seconds (number or decimal string) → `h:mm:ss[.sss]`. */
export function formatDuration(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const s = typeof value === 'number' ? numberToDecimalString(value) : String(value);
  let d;
  try {
    d = parseDecimal(s);
  } catch {
    return s;
  }
  const ms = BigInt(d.int + d.frac.slice(0, 3).padEnd(3, '0'));
  const h = ms / 3_600_000n;
  const m = (ms / 60_000n) % 60n;
  const sec = (ms / 1000n) % 60n;
  const frac = (ms % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  const pad = (n: bigint) => n.toString().padStart(2, '0');
  return `${d.neg ? '-' : ''}${h}:${pad(m)}:${pad(sec)}${frac ? '.' + frac : ''}`;
}

export const durationFieldType: FieldTypeDef = {
  type: 'duration',
  computed: false,
  derived: false,
  formulaType: () => ({ type: 'number' }),
  sortable: true,
  canBePrimary: false,
  searchable: false,
  canBeUnique: false,
  operators: ORDERED_OPS,
  sqlKind: 'numeric',
  parseOptions(raw) {
    onlyKeys(optionsObject(raw), []);
    return {};
  },
  coerce: (input) => coerceDecimal(input, DURATION_SCALE),
  toWire: (stored) => decimalToWire(String(stored)),
  sqlExpr: (field, alias) => `(${slotText(alias, field.slot)})::numeric`,
  filterOperand: (value) => coerceDecimal(value, undefined),
  format: (wire) => formatDuration(wire),
};
