/**
 * Shared pieces of the computed types (formula, lookup, rollup): values are written by
 * the API's computed engine, never by users; they answer filters and sorts as the type
 * of their result (see FieldTypeDef.delegate). Cell errors are kept beside the values in
 * `data._e[slot]`, so a value slot holds only values of its result type.
 */
import { ValueError } from '../errors.js';
import { VALUE_TYPES, type FieldMeta, type FilterOp, type FormulaType, type ValueType } from '../types.js';
import { decimalToWire } from './number.field-type.js';

/** The result types a derived field may store: the formula language's value types. */
export const RESULT_TYPES = VALUE_TYPES;
export type ResultType = ValueType;

/** A derived field as formulas see it: its stored result type (`any` until known), money with its currency. */
export function resultFormulaType(field: FieldMeta): FormulaType {
  const rt = field.options.resultType;
  const type: ValueType = (VALUE_TYPES as readonly unknown[]).includes(rt) ? (rt as ValueType) : 'any';
  return type === 'money' ? { type, currency: (field.options.currency as string | null | undefined) ?? null } : { type };
}

export const COMPUTED_OPS: readonly FilterOp[] = ['isEmpty', 'isNotEmpty'];

/** The field type a result type is filtered and sorted as. */
export function proxyFor(field: FieldMeta, resultType: unknown, currency: unknown): FieldMeta | undefined {
  const base = { ...field, required: false, unique: false, defaultValue: null, searchable: false };
  switch (resultType) {
    case 'number':
      return { ...base, type: 'number', options: {} };
    case 'money':
      return { ...base, type: 'money', options: typeof currency === 'string' ? { currency } : {} };
    case 'text':
    case 'any':
      return { ...base, type: 'longText', options: { maxLength: 100_000 } };
    case 'boolean':
      return { ...base, type: 'boolean', options: {} };
    case 'date':
      return { ...base, type: 'date', options: {} };
    case 'dateTime':
      return { ...base, type: 'dateTime', options: {} };
    default:
      return undefined;
  }
}

export function readOnly(): never {
  throw new ValueError('READ_ONLY', 'is computed and cannot be set');
}

/** Stored computed value → wire. Numbers are decimal strings in storage. */
export function computedToWire(stored: unknown, resultType: unknown): unknown {
  if (stored === null || stored === undefined) return null;
  if (resultType === 'number' && typeof stored === 'string') return decimalToWire(stored);
  if (resultType === 'money' && typeof stored === 'object' && stored !== null && 'a' in stored) {
    const m = stored as { a: string; c: string };
    return { amount: m.a, currency: m.c };
  }
  if (Array.isArray(stored)) return stored.map((v) => computedToWire(v, resultType));
  return stored;
}

export function formatComputed(wire: unknown): string {
  if (wire === null || wire === undefined) return '';
  if (Array.isArray(wire)) return wire.map(formatComputed).join(', ');
  if (typeof wire === 'object' && wire !== null && 'amount' in wire)
    return `${(wire as unknown as { amount: string }).amount} ${(wire as unknown as { currency: string }).currency}`;
  if (typeof wire === 'object' && wire !== null && 'error' in wire) return String((wire as { error: string }).error);
  return String(wire);
}

export function optionString(o: Record<string, unknown>, key: string, max = 100): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max) throw new ValueError('INVALID_OPTION', `${key} must be text`);
  return v;
}
