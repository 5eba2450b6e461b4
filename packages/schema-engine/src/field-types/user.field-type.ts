/**
 * User: the id (uuid) of a user of the workspace, stored in lower case. Only the form is
 * checked here; the API checks that the user exists. Not sortable (an id orders nothing a
 * reader would recognise).
 */
import { ValueError } from '../errors.js';
import { slotText } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { isUuid } from '../uuid.js';
import { EQUALITY_OPS, onlyKeys, optionsObject } from './common.js';

function userId(v: unknown): string {
  if (!isUuid(v)) throw new ValueError('INVALID_USER', 'must be a user id (uuid)');
  return v.toLowerCase();
}

export const userFieldType: FieldTypeDef = {
  type: 'user',
  computed: false,
  derived: false,
  formulaType: () => ({ type: 'text' }),
  sortable: false,
  canBePrimary: false,
  searchable: false,
  canBeUnique: true,
  operators: EQUALITY_OPS,
  sqlKind: 'text',
  parseOptions(raw) {
    onlyKeys(optionsObject(raw), []);
    return {};
  },
  coerce: (input) => userId(input),
  toWire: (stored) => stored,
  sqlExpr: (field, alias) => `(${slotText(alias, field.slot)})`,
  filterOperand: (value) => userId(value),
  format: (wire) => (typeof wire === 'string' ? wire : ''),
};
