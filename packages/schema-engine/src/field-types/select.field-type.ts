/**
 * Single select: one of the field's choices. The wire speaks the choice value (`"vip"`),
 * storage the choice id (`"c3"`), so renaming a value rewrites nothing; a value that is
 * not a choice is NOT_A_CHOICE, in input and in filters alike. Sorting follows the order
 * of the choices (the ids bound as one text[] parameter to array_position). Not searchable:
 * the quick search matches slot text, which here is the id.
 */
import { slotText } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { choiceId, choiceIndex, choiceValue, parseChoiceOptions, type ChoiceOptions } from './choices.js';
import { EQUALITY_OPS } from './common.js';

export const selectFieldType: FieldTypeDef<ChoiceOptions> = {
  type: 'select',
  computed: false,
  derived: false,
  formulaType: () => ({ type: 'text' }),
  sortable: true,
  canBePrimary: true,
  searchable: false,
  canBeUnique: false,
  operators: EQUALITY_OPS,
  sqlKind: 'text',
  sortKind: 'numeric',
  parseOptions: (raw, previous) => parseChoiceOptions(raw, previous),
  coerce: (input, field) => choiceId(input, field.options),
  /** A deleted choice reads as empty. */
  toWire: (stored, field) => choiceValue(stored, field.options) ?? null,
  sqlExpr: (field, alias) => `(${slotText(alias, field.slot)})`,
  sortExpr: (field, alias, sql) => `array_position(${sql.param(choiceIndex(field.options).ids, 'text[]')}, ${slotText(alias, field.slot)})`,
  filterOperand: (value, field) => choiceId(value, field.options),
  format: (wire) => (typeof wire === 'string' ? wire : ''),
};
