/**
 * Boolean: JSON `true` / `false` only. "yes", "true", 1 and 0 are refused (NOT_A_BOOLEAN):
 * the API is typed, and a lenient parser would guess wrong on "no"/"nein"/"0.0"; imports
 * convert their text themselves. Empty is null; `false` is a value, not empty, so a
 * required boolean accepts it.
 */
import { ValueError } from '../errors.js';
import { slotText } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { onlyKeys, optionsObject } from './common.js';

function requireBoolean(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ValueError('NOT_A_BOOLEAN', 'must be true or false');
  return v;
}

export const booleanFieldType: FieldTypeDef = {
  type: 'boolean',
  computed: false,
  derived: false,
  formulaType: () => ({ type: 'boolean' }),
  sortable: true,
  canBePrimary: false,
  searchable: false,
  canBeUnique: false,
  operators: ['eq', 'ne', 'isEmpty', 'isNotEmpty'],
  sqlKind: 'boolean',
  parseOptions(raw) {
    onlyKeys(optionsObject(raw), []);
    return {};
  },
  coerce: (input) => requireBoolean(input),
  toWire: (stored) => stored === true,
  sqlExpr: (field, alias) => `(${slotText(alias, field.slot)})::boolean`,
  filterOperand: (value) => requireBoolean(value),
  format: (wire) => (wire === true ? 'Yes' : wire === false ? 'No' : ''),
};
