/**
 * Autonumber: a number per record from a sequence per field, formatted with a pattern
 * such as `INV-{YYYY}-{0000}`. The period (year or month of a named date field, or of the
 * creation date) restarts the count. `gapless: true` (invoices) takes the numbers in the
 * writing transaction, so a rolled-back write leaves no gap. Stored as
 * `{"t":"INV-2026-0001","n":1,"p":"2026"}` so that it sorts by period then number:
 * INV-2026-10000 after INV-2026-9999. Read-only.
 */
import { ValueError } from '../errors.js';
import { slotJson } from '../query/sql-builder.js';
import type { FieldTypeDef, FilterOp } from '../types.js';
import { boolOption, onlyKeys, optionsObject } from './common.js';

export interface AutonumberOptions extends Record<string, unknown> {
  format: string;
  gapless: boolean;
  dateField?: string;
}

const TOKEN_RE = /\{(YYYY|YY|MM|0+)\}/g;
const OPS: readonly FilterOp[] = ['eq', 'ne', 'contains', 'startsWith', 'in', 'nin', 'isEmpty', 'isNotEmpty'];

export function parseAutonumberFormat(format: unknown): string {
  if (format === undefined) return '{0}';
  if (typeof format !== 'string' || format.length === 0 || format.length > 60)
    throw new ValueError('INVALID_OPTION', 'format is text of at most 60 characters');
  const counters = format.match(/\{0+\}/g) ?? [];
  if (counters.length !== 1) throw new ValueError('INVALID_OPTION', 'format needs exactly one counter such as {0000}');
  const rest = format.replace(TOKEN_RE, '');
  if (/[{}]/.test(rest)) throw new ValueError('INVALID_OPTION', 'format tokens are {YYYY}, {YY}, {MM} and {0000}');
  return format;
}

/** The counter's period for a date `YYYY-MM-DD`: by month when the format shows the month, by year when it shows the year. */
export function autonumberPeriod(format: string, date: string): string {
  if (format.includes('{MM}')) return date.slice(0, 7);
  if (format.includes('{YYYY}') || format.includes('{YY}')) return date.slice(0, 4);
  return '';
}

export function formatAutonumber(format: string, n: number, date: string): string {
  return format.replace(TOKEN_RE, (_, tok: string) => {
    if (tok === 'YYYY') return date.slice(0, 4);
    if (tok === 'YY') return date.slice(2, 4);
    if (tok === 'MM') return date.slice(5, 7);
    return String(n).padStart(tok.length, '0');
  });
}

export const autonumberFieldType: FieldTypeDef<AutonumberOptions> = {
  type: 'autonumber',
  computed: true,
  derived: false,
  // its value is always the formatted text (INV-2026-0001; VALUE() reads a plain {0} counter as a number)
  formulaType: () => ({ type: 'text' }),
  sortable: true,
  canBePrimary: true,
  searchable: true,
  canBeUnique: false,
  operators: OPS,
  sqlKind: 'text',
  sortKind: 'text',
  parseOptions(raw) {
    const o = optionsObject(raw);
    onlyKeys(o, ['format', 'gapless', 'dateField']);
    const out: AutonumberOptions = { format: parseAutonumberFormat(o.format), gapless: boolOption(o, 'gapless', false) };
    if (o.dateField !== undefined && o.dateField !== null) {
      if (typeof o.dateField !== 'string' || o.dateField.length > 80)
        throw new ValueError('INVALID_OPTION', 'dateField names a date field');
      out.dateField = o.dateField;
    }
    return out;
  },
  coerce: () => {
    throw new ValueError('READ_ONLY', 'is numbered automatically');
  },
  toWire: (stored) => (typeof stored === 'object' && stored !== null ? (stored as { t: string }).t : String(stored)),
  sqlExpr: (field, alias) => `((${slotJson(alias, field.slot)}->>'t') COLLATE "C")`,
  sortExpr: (field, alias) =>
    `((coalesce(${slotJson(alias, field.slot)}->>'p', '') || lpad(${slotJson(alias, field.slot)}->>'n', 15, '0')) COLLATE "C")`,
  filterOperand(value) {
    if (typeof value !== 'string') throw new ValueError('NOT_TEXT', 'must be text');
    return value;
  },
  format: (wire) => (wire == null ? '' : String(wire)),
  // records that exist when the field is added are numbered at once, in creation order
  afterCreate: (field, store) => store.numberExisting(field),
};
