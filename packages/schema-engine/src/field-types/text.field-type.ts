/**
 * Text: one line, optional maxLength; sorted and compared with the ICU root collation.
 * Stored in canonical form (NFC, trimmed; text-normalization.ts), so a unique text field
 * compares what readers see; equality operands are brought to the same form.
 */
import { ValueError } from '../errors.js';
import { slotText, TEXT_COLLATION } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { intOption, onlyKeys, optionsObject, requireString, TEXT_OPS } from './common.js';
import { canonicalText, cleanText } from './text-normalization.js';

export const MAX_TEXT = 10_000;

export interface TextOptions extends Record<string, unknown> {
  maxLength: number;
}

export function makeTextType(type: string, defaultMax: number, multiline: boolean): FieldTypeDef<TextOptions> {
  const kind = multiline ? 'multiline' : 'line';
  return {
    type,
    computed: false,
    derived: false,
    formulaType: () => ({ type: 'text' }),
    sortable: true,
    canBePrimary: true,
    searchable: true,
    canBeUnique: true,
    operators: TEXT_OPS,
    sqlKind: 'text',
    parseOptions(raw) {
      const o = optionsObject(raw);
      onlyKeys(o, ['maxLength']);
      return { maxLength: intOption(o, 'maxLength', 1, defaultMax, defaultMax)! };
    },
    coerce(input, field) {
      const s = cleanText(requireString(input), kind);
      const max = (field.options.maxLength as number | undefined) ?? defaultMax;
      if ([...s].length > max) throw new ValueError('TOO_LONG', `at most ${max} characters`);
      return s;
    },
    toWire: (stored) => stored,
    sqlExpr: (field, alias) => `(${slotText(alias, field.slot)}) COLLATE ${TEXT_COLLATION}`,
    filterOperand(value) {
      if (typeof value !== 'string') throw new ValueError('NOT_TEXT', 'must be text');
      return canonicalText(value, kind);
    },
    format: (wire) => (wire == null ? '' : String(wire)),
  };
}

export const textFieldType = makeTextType('text', 1000, false);
