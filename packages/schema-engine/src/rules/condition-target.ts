/**
 * What a condition key names (a system column or a field of the table) and what it accepts:
 * which Mongo operators map to which filter operators, and whether a value is a valid
 * operand for it (checked by the field registry, the same check a user filter gets).
 */
import { ValueError } from '../errors.js';
import { systemColumn, type SystemColumn } from '../query/system-columns.js';
import { getFieldType } from '../registry.js';
import type { AnyFieldType, FieldMeta, FilterOp, TableMeta, ValueContext } from '../types.js';
import { isUuid } from '../uuid.js';
import { isSystemConditionKey, type ConditionOp } from './rule-types.js';

export type ConditionTarget =
  { kind: 'system'; key: string; column: SystemColumn } | { kind: 'field'; key: string; field: FieldMeta; def: AnyFieldType };

/** The filter operator of a Mongo operator (`$exists` depends on its value). */
export function filterOpOf(op: ConditionOp, value: unknown): FilterOp {
  switch (op) {
    case '$eq':
      return 'eq';
    case '$ne':
      return 'ne';
    case '$lt':
      return 'lt';
    case '$lte':
      return 'lte';
    case '$gt':
      return 'gt';
    case '$gte':
      return 'gte';
    case '$in':
      return 'in';
    case '$nin':
      return 'nin';
    case '$exists':
      return value === false ? 'isEmpty' : 'isNotEmpty';
  }
}

/** A stored condition key (a system key or a field id) against the table, or undefined. */
export function targetOfStoredKey(table: TableMeta | undefined, key: string): ConditionTarget | undefined {
  if (isSystemConditionKey(key)) return { kind: 'system', key, column: systemColumn(key)! };
  const field = table?.fields.find((f) => f.id === key);
  return field ? { kind: 'field', key: field.key, field, def: getFieldType(field.type) } : undefined;
}

/** A wire condition key (a system key or a field key) against the table, or undefined. */
export function targetOfWireKey(table: TableMeta | undefined, key: string): ConditionTarget | undefined {
  if (isSystemConditionKey(key)) return { kind: 'system', key, column: systemColumn(key)! };
  const field = table?.fields.find((f) => f.key === key);
  return field ? { kind: 'field', key: field.key, field, def: getFieldType(field.type) } : undefined;
}

/** Array-valued fields (multiple choices) take only $in, $nin and $exists: CASL reads `$eq` on an array as "contains". */
export function isListTarget(t: ConditionTarget): boolean {
  return t.kind === 'field' && t.def.sqlKind === 'jsonb';
}

export function opAllowed(t: ConditionTarget, op: ConditionOp): boolean {
  if (op === '$exists') return true;
  if (isListTarget(t) && op !== '$in' && op !== '$nin') return false;
  const fop = filterOpOf(op, true);
  return t.kind === 'system' ? t.column.operators.includes(fop) : t.def.operators.includes(fop);
}

/** Whether one (scalar) operand is valid for the target, as the filter compiler would coerce it. */
export function operandOk(t: ConditionTarget, value: unknown, ctx: ValueContext): boolean {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
  if (t.kind === 'system') {
    switch (t.column.cast) {
      case 'uuid':
        return isUuid(value);
      case 'int':
        return typeof value === 'number' && Number.isSafeInteger(value);
      default:
        return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value));
    }
  }
  try {
    t.def.filterOperand(value, t.field, ctx);
    return true;
  } catch (e) {
    if (e instanceof ValueError) return false;
    throw e;
  }
}
