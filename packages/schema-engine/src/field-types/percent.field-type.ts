/**
 * Percent: a fraction on the wire and in storage (`0.19` is 19 %), exact like number.
 * `scale` is the number of decimals of the displayed percent, so a stored fraction may
 * carry `scale + 2` decimals (scale 1: 19.5 % is 0.195); more is TOO_MANY_DECIMALS.
 */
import { numberToDecimalString, parseDecimal } from '../decimal.js';
import { slotText } from '../query/sql-builder.js';
import type { FieldMeta, FieldTypeDef, FormatOptions } from '../types.js';
import { intOption, onlyKeys, optionsObject, ORDERED_OPS } from './common.js';
import { coerceDecimal, decimalToWire } from './number.field-type.js';

export interface PercentOptions extends Record<string, unknown> {
  scale?: number;
}

function scaleOf(field: FieldMeta): number | undefined {
  return field.options.scale as number | undefined;
}

export function formatPercent(value: unknown, scale: number | undefined, opts?: FormatOptions): string {
  if (value === null || value === undefined || value === '') return '';
  const s = typeof value === 'number' ? numberToDecimalString(value) : String(value);
  let decimals: number;
  try {
    decimals = scale ?? Math.min(Math.max(parseDecimal(s).frac.length - 2, 0), 20);
  } catch {
    return s;
  }
  return new Intl.NumberFormat(opts?.locale ?? 'en-US', {
    style: 'percent',
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(s as unknown as number);
}

export const percentFieldType: FieldTypeDef<PercentOptions> = {
  type: 'percent',
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
    const o = optionsObject(raw);
    onlyKeys(o, ['scale']);
    const scale = intOption(o, 'scale', 0, 10, undefined);
    return scale === undefined ? {} : { scale };
  },
  coerce(input, field) {
    const scale = scaleOf(field);
    return coerceDecimal(input, scale === undefined ? undefined : scale + 2);
  },
  toWire: (stored) => decimalToWire(String(stored)),
  sqlExpr: (field, alias) => `(${slotText(alias, field.slot)})::numeric`,
  filterOperand: (value) => coerceDecimal(value, undefined),
  format: (wire, field, opts) => formatPercent(wire, scaleOf(field), opts),
};
