/**
 * Formula: an expression over the record's fields and its links (packages/formula). The
 * API compiles it on save (stored form with field ids, result type, dependencies) and
 * writes the values on every write; volatile formulas (TODAY, NOW) are evaluated when read
 * and can be neither sorted nor filtered.
 */
import { DomainError, ValueError } from '../errors.js';
import { slotText } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { optionsObject, onlyKeys } from './common.js';
import {
  COMPUTED_OPS,
  computedToWire,
  formatComputed,
  optionString,
  proxyFor,
  readOnly,
  resultFormulaType,
  RESULT_TYPES,
} from './computed-common.js';

export const MAX_EXPRESSION = 10_000;

export interface FormulaOptions extends Record<string, unknown> {
  expression: string;
  /** Storage form: references by field id (filled by the API). */
  stored?: string;
  resultType?: string;
  currency?: string | null;
  volatile?: boolean;
}

export const formulaFieldType: FieldTypeDef<FormulaOptions> = {
  type: 'formula',
  computed: true,
  derived: 'formula',
  formulaType: resultFormulaType,
  sortable: true,
  canBePrimary: true,
  searchable: false,
  canBeUnique: false,
  operators: COMPUTED_OPS,
  sqlKind: 'text',
  parseOptions(raw) {
    const o = optionsObject(raw);
    onlyKeys(o, ['expression', 'stored', 'resultType', 'currency', 'volatile']);
    if (typeof o.expression !== 'string' || !o.expression.trim()) throw new ValueError('INVALID_OPTION', 'expression is required');
    if (o.expression.length > MAX_EXPRESSION) throw new ValueError('INVALID_OPTION', `expression is at most ${MAX_EXPRESSION} characters`);
    const out: FormulaOptions = { expression: o.expression };
    if (typeof o.stored === 'string' && o.stored.length <= MAX_EXPRESSION * 4) out.stored = o.stored;
    if (o.resultType !== undefined) {
      if (!(RESULT_TYPES as readonly unknown[]).includes(o.resultType)) throw new ValueError('INVALID_OPTION', 'unknown resultType');
      out.resultType = o.resultType as string;
    }
    if (o.currency !== undefined) out.currency = o.currency === null ? null : optionString(o, 'currency', 3)!;
    if (o.volatile !== undefined) out.volatile = o.volatile === true;
    return out;
  },
  coerce: readOnly,
  toWire: (stored, field) => computedToWire(stored, field.options.resultType),
  sqlExpr: (field, alias) => `(${slotText(alias, field.slot)})`,
  // a volatile formula (TODAY, NOW) has no stored value: it answers no filter but isEmpty,
  // and refuses to be sorted on
  delegate: (field) => (field.options.volatile ? undefined : proxyFor(field, field.options.resultType, field.options.currency)),
  sortExpr(field, alias) {
    if (field.options.volatile) {
      throw new DomainError('VALIDATION_FAILED', `"${field.key}" uses TODAY or NOW and is computed when read: it cannot be sorted on`, {
        sort: { code: 'VOLATILE', message: 'computed when read' },
      });
    }
    return `(${slotText(alias, field.slot)})`;
  },
  filterOperand: (v) => v,
  format: (wire) => formatComputed(wire),
};
