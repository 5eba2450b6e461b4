/**
 * Long text: several lines, up to 100,000 characters. Sorted by its first 200 characters:
 * a keyset cursor carries the last row's sort value, and a whole long text would not fit
 * in one (ties beyond 200 characters fall back to the record id).
 */
import { slotText, TEXT_COLLATION } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { makeTextType, type TextOptions } from './text.field-type.js';

export const LONG_TEXT_SORT_PREFIX = 200;

export const longTextFieldType: FieldTypeDef<TextOptions> = {
  ...makeTextType('longText', 100_000, true),
  sortExpr: (field, alias) => `(left(${slotText(alias, field.slot)}, ${LONG_TEXT_SORT_PREFIX})) COLLATE ${TEXT_COLLATION}`,
};
