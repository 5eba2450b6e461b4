/** Text: one line, optional maxLength; sorted and compared with the ICU root collation. */
import { ValueError } from '../errors.js';
import { slotText, TEXT_COLLATION } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { intOption, onlyKeys, optionsObject, requireString, TEXT_OPS } from './common.js';

export const MAX_TEXT = 10_000;

export interface TextOptions extends Record<string, unknown> {
  maxLength: number;
}

export function makeTextType(type: string, defaultMax: number, multiline: boolean): FieldTypeDef<TextOptions> {
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
      const s = requireString(input);
      const max = (field.options.maxLength as number | undefined) ?? defaultMax;
      if ([...s].length > max) throw new ValueError('TOO_LONG', `at most ${max} characters`);
      if (!multiline && /[\r\n]/.test(s)) throw new ValueError('LINE_BREAK', 'must be one line');
      // eslint-disable-next-line no-control-regex
      if (/[\u0000]/.test(s)) throw new ValueError('INVALID_CHARACTER', 'must not contain NUL characters');
      return s;
    },
    toWire: (stored) => stored,
    sqlExpr: (field, alias) => `(${slotText(alias, field.slot)}) COLLATE ${TEXT_COLLATION}`,
    filterOperand(value) {
      if (typeof value !== 'string') throw new ValueError('NOT_TEXT', 'must be text');
      return value;
    },
    format: (wire) => (wire == null ? '' : String(wire)),
  };
}

export const textFieldType = makeTextType('text', 1000, false);
