/**
 * Record values between the wire (field keys, wire forms) and storage (slots, stored
 * forms). Input is validated whole: every failing field is reported in `details`, keyed by
 * field key, and nothing is written.
 */
import { DomainError, ValueError } from './errors.js';
import { getFieldType } from './registry.js';
import type { FieldMeta, TableMeta, ValueContext } from './types.js';
import { isPlainObject } from './plain-object.js';

export interface FieldIssue {
  code: string;
  message: string;
}

export function isEmptyInput(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

export interface DecodeOptions {
  mode: 'create' | 'update';
  /** Whether the caller may write this field (field-level rights). */
  canWrite?(field: FieldMeta): boolean;
  /** Whether the caller may read it: an unreadable field is UNKNOWN_FIELD, as if absent. */
  canRead?(field: FieldMeta): boolean;
}

/**
 * Wire data → stored slot values. On create, defaults fill absent fields and required
 * fields must be present; on update only the given fields change. Throws
 * VALIDATION_FAILED with per-field details, or UNKNOWN_FIELD for keys not in the table.
 */
export function decodeRecordInput(table: TableMeta, data: unknown, ctx: ValueContext, opts: DecodeOptions): Record<string, unknown> {
  if (!isPlainObject(data)) {
    throw new DomainError('VALIDATION_FAILED', '"data" must be an object of field keys to values', {
      data: { code: 'NOT_AN_OBJECT', message: 'must be an object' },
    });
  }
  const byKey = new Map(table.fields.map((f) => [f.key, f]));
  const unknown = Object.keys(data).filter((k) => !byKey.has(k) || (opts.canRead !== undefined && !opts.canRead(byKey.get(k)!)));
  if (unknown.length) {
    throw new DomainError('UNKNOWN_FIELD', `Unknown field ${JSON.stringify(unknown[0]!.slice(0, 80))}`, {
      fields: unknown.map((k) => k.slice(0, 80)).slice(0, 20),
    });
  }
  const out: Record<string, unknown> = {};
  const errors: Record<string, FieldIssue> = {};
  for (const field of table.fields) {
    const def = getFieldType(field.type);
    const present = Object.prototype.hasOwnProperty.call(data, field.key);
    let value = present ? data[field.key] : undefined;
    if (def.computed) {
      if (present) errors[field.key] = { code: 'READ_ONLY', message: `"${field.key}" is computed and cannot be set` };
      continue;
    }
    if (present && opts.canWrite && !opts.canWrite(field)) {
      errors[field.key] = { code: 'READ_ONLY', message: `You may not change "${field.key}"` };
      continue;
    }
    if (!present && opts.mode === 'create' && !isEmptyInput(field.defaultValue)) value = field.defaultValue;
    if (!present && opts.mode === 'update') continue;
    if (isEmptyInput(value)) {
      if (field.required && (present || opts.mode === 'create'))
        errors[field.key] = { code: 'REQUIRED', message: `"${field.label}" is required` };
      else if (present) out[field.slot] = null;
      continue;
    }
    let stored: unknown;
    try {
      stored = def.coerce(value, field, ctx);
    } catch (e) {
      if (e instanceof ValueError) errors[field.key] = { code: e.issue, message: e.message };
      else throw e;
      continue;
    }
    // text that normalises to nothing (only spaces) is empty, like ""
    if (stored === '') {
      if (field.required) errors[field.key] = { code: 'REQUIRED', message: `"${field.label}" is required` };
      else if (present) out[field.slot] = null;
    } else out[field.slot] = stored;
  }
  if (Object.keys(errors).length) {
    const first = Object.entries(errors)[0]!;
    throw new DomainError('VALIDATION_FAILED', `Invalid value for "${first[0]}": ${first[1].message}`, errors);
  }
  return out;
}

/** Stored data (by slot) → wire data (by key), leaving out fields the reader may not read. */
export function encodeRecordData(
  table: TableMeta,
  stored: Record<string, unknown>,
  canRead?: (f: FieldMeta) => boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of table.fields) {
    if (canRead && !canRead(field)) continue;
    const v = stored[field.slot];
    out[field.key] = v === undefined || v === null ? null : getFieldType(field.type).toWire(v, field);
  }
  return out;
}

/** Validates a default value against its field: the stored form or a clear error. */
export function checkDefault(field: FieldMeta, ctx: ValueContext): void {
  if (isEmptyInput(field.defaultValue)) return;
  try {
    getFieldType(field.type).coerce(field.defaultValue, field, ctx);
  } catch (e) {
    if (e instanceof ValueError)
      throw new DomainError('VALIDATION_FAILED', `Invalid default: ${e.message}`, { default: { code: e.issue, message: e.message } });
    throw e;
  }
}
