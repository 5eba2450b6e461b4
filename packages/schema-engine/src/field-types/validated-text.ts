/**
 * Text-based types with a validated form (email, phone, url): stored as text, compared and
 * sorted with the ICU collation like text, searchable. A value is first brought to the
 * canonical form of one-line text with no format characters at all (NFC, trimmed, no
 * bidi or zero-width characters: text-normalization.ts); `normalize` then checks it and
 * returns its stored form, or throws ValueError.
 */
import { ValueError } from '../errors.js';
import { slotText, TEXT_COLLATION } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { onlyKeys, optionsObject, requireString, TEXT_OPS } from './common.js';
import { canonicalText, cleanText } from './text-normalization.js';

export function makeValidatedTextType(
  type: string,
  maxLength: number,
  normalize: (trimmed: string) => string,
  extra: Partial<FieldTypeDef> = {},
): FieldTypeDef {
  const check = (input: unknown): string => {
    const s = cleanText(requireString(input), 'strict');
    if ([...s].length > maxLength) throw new ValueError('TOO_LONG', `at most ${maxLength} characters`);
    return normalize(s);
  };
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
      onlyKeys(optionsObject(raw), []);
      return {};
    },
    coerce: check,
    toWire: (stored) => stored,
    sqlExpr: (field, alias) => `(${slotText(alias, field.slot)}) COLLATE ${TEXT_COLLATION}`,
    /** A complete value is normalised as on input (so `eq` matches); partial text is compared as given. */
    filterOperand(value) {
      if (typeof value !== 'string') throw new ValueError('NOT_TEXT', 'must be text');
      try {
        return check(value);
      } catch {
        return canonicalText(value, 'strict');
      }
    },
    format: (wire) => (wire == null ? '' : String(wire)),
    ...extra,
  };
}
