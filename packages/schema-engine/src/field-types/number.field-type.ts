/**
 * Number: exact decimal. Stored as a decimal string (JSON.parse would round past 15
 * digits), compared as numeric. `scale` caps the decimals accepted (more is an error,
 * never a silent rounding).
 */
import { ValueError } from '../errors.js';
import { formatDecimal, numberToDecimalString, parseDecimal } from '../decimal.js';
import { slotText } from '../query/sql-builder.js';
import type { FieldMeta, FieldTypeDef, FormatOptions } from '../types.js';
import { intOption, onlyKeys, optionsObject, ORDERED_OPS } from './common.js';

export interface NumberOptions extends Record<string, unknown> {
  scale?: number;
}

export function coerceDecimal(input: unknown, scale: number | undefined): string {
  if (typeof input === 'boolean' || typeof input === 'object') throw new ValueError('NOT_A_NUMBER', 'must be a number');
  const d = parseDecimal(input);
  if (scale !== undefined && d.frac.length > scale) {
    throw new ValueError('TOO_MANY_DECIMALS', scale === 0 ? 'must be a whole number' : `at most ${scale} decimals`);
  }
  return formatDecimal(d);
}

/** Decimal string → JSON number when it is exact within 15 significant digits, else the string. */
export function decimalToWire(s: string): number | string {
  const n = Number(s);
  const digits = s.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  return digits.length <= 15 && Number.isFinite(n) ? n : s;
}

export function formatNumber(value: unknown, scale: number | undefined, opts?: FormatOptions): string {
  if (value === null || value === undefined || value === '') return '';
  // numberToDecimalString, not String: String(1e-7) is "1e-7", which parseDecimal refuses
  const s = typeof value === 'number' ? numberToDecimalString(value) : String(value);
  const locale = opts?.locale ?? 'en-US';
  const n = Number(s);
  if (!Number.isFinite(n)) return s;
  const decimals = scale ?? Math.min(parseDecimal(s).frac.length, 20);
  // Intl formats a decimal string exactly (string input keeps all digits)
  return new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(s as unknown as number);
}

export const numberFieldType: FieldTypeDef<NumberOptions> = {
  type: 'number',
  computed: false,
  derived: false,
  formulaType: () => ({ type: 'number' }),
  sortable: true,
  canBePrimary: true,
  searchable: false,
  canBeUnique: true,
  operators: ORDERED_OPS,
  sqlKind: 'numeric',
  parseOptions(raw) {
    const o = optionsObject(raw);
    onlyKeys(o, ['scale']);
    const scale = intOption(o, 'scale', 0, 12, undefined);
    return scale === undefined ? {} : { scale };
  },
  coerce: (input, field: FieldMeta) => coerceDecimal(input, field.options.scale as number | undefined),
  toWire: (stored) => decimalToWire(String(stored)),
  sqlExpr: (field, alias) => `(${slotText(alias, field.slot)})::numeric`,
  filterOperand: (value) => coerceDecimal(value, undefined),
  format: (wire, field, opts) => formatNumber(wire, field.options.scale as number | undefined, opts),
};
