/**
 * Formula-schema fields for the tests, typed by the field-type registry exactly as the
 * API's tables are (field-schema.ts): a test of the checker is then also a test of the
 * one field → formula-type mapping.
 */
import type { FieldMeta } from '@tabula/schema-engine';
import { fieldInfo } from '../field-schema.js';
import type { FormulaFieldInfo, FormulaSchema } from '../types.js';

export function field(
  id: string,
  key: string,
  type: string,
  options: Record<string, unknown> = {},
  linkTable?: FormulaSchema,
): FormulaFieldInfo {
  const meta: FieldMeta = {
    id,
    tableId: 't',
    key,
    label: key,
    type,
    slot: id,
    options,
    required: false,
    unique: false,
    defaultValue: null,
    searchable: false,
    position: 0,
  };
  const info = fieldInfo(meta, () => undefined);
  return linkTable ? { ...info, linkTable } : info;
}
