/**
 * Lookup: a field of the linked records, through a link field (`options.link`, `options.field`:
 * ids once saved). Through a link to one record it is that record's value and filters as
 * the looked-up type; through a link to many it is the list of their values.
 */
import { ValueError } from '../errors.js';
import { slotText } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { onlyKeys, optionsObject } from './common.js';
import { COMPUTED_OPS, computedToWire, formatComputed, optionString, proxyFor, readOnly, resultFormulaType } from './computed-common.js';

export interface LookupOptions extends Record<string, unknown> {
  link: string;
  field: string;
  resultType?: string;
  currency?: string | null;
  multiple?: boolean;
}

export const lookupFieldType: FieldTypeDef<LookupOptions> = {
  type: 'lookup',
  computed: true,
  derived: 'lookup',
  formulaType: resultFormulaType,
  sortable: true,
  canBePrimary: false,
  searchable: false,
  canBeUnique: false,
  operators: COMPUTED_OPS,
  sqlKind: 'text',
  parseOptions(raw) {
    const o = optionsObject(raw);
    onlyKeys(o, ['link', 'field', 'resultType', 'currency', 'multiple']);
    const link = optionString(o, 'link');
    const field = optionString(o, 'field');
    if (!link || !field)
      throw new ValueError('INVALID_OPTION', 'a lookup needs link (a link field) and field (a field of the linked table)');
    const out: LookupOptions = { link, field };
    if (typeof o.resultType === 'string') out.resultType = o.resultType;
    if (o.currency !== undefined) out.currency = (o.currency as string | null) ?? null;
    if (o.multiple !== undefined) out.multiple = o.multiple === true;
    return out;
  },
  coerce: readOnly,
  toWire: (stored, field) => computedToWire(stored, field.options.resultType),
  sqlExpr: (field, alias) => `(${slotText(alias, field.slot)})`,
  delegate: (field) => (field.options.multiple ? undefined : proxyFor(field, field.options.resultType, field.options.currency)),
  filterOperand: (v) => v,
  format: (wire) => formatComputed(wire),
};
