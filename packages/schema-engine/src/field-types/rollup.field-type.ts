/**
 * Rollup: an aggregate (sum, avg, count, min, max) of a field of the linked records,
 * computed in SQL over the live linked records (an order's total is the sum of its lines)
 * and stored, so it filters and sorts as a number or money.
 */
import { ValueError } from '../errors.js';
import { slotText } from '../query/sql-builder.js';
import type { FieldTypeDef } from '../types.js';
import { onlyKeys, optionsObject } from './common.js';
import { COMPUTED_OPS, computedToWire, formatComputed, optionString, proxyFor, readOnly, resultFormulaType } from './computed-common.js';

export const ROLLUP_AGGREGATES = ['sum', 'avg', 'count', 'min', 'max'] as const;

export interface RollupOptions extends Record<string, unknown> {
  link: string;
  field?: string;
  aggregate: (typeof ROLLUP_AGGREGATES)[number];
  resultType?: string;
  currency?: string | null;
}

export const rollupFieldType: FieldTypeDef<RollupOptions> = {
  type: 'rollup',
  computed: true,
  derived: 'aggregate',
  formulaType: resultFormulaType,
  sortable: true,
  canBePrimary: false,
  searchable: false,
  canBeUnique: false,
  operators: COMPUTED_OPS,
  sqlKind: 'text',
  parseOptions(raw) {
    const o = optionsObject(raw);
    onlyKeys(o, ['link', 'field', 'aggregate', 'resultType', 'currency']);
    const link = optionString(o, 'link');
    if (!link) throw new ValueError('INVALID_OPTION', 'a rollup needs link (a link field)');
    const aggregate = o.aggregate ?? 'sum';
    if (!(ROLLUP_AGGREGATES as readonly unknown[]).includes(aggregate))
      throw new ValueError('INVALID_OPTION', `aggregate is one of ${ROLLUP_AGGREGATES.join(', ')}`);
    const field = optionString(o, 'field');
    if (!field && aggregate !== 'count')
      throw new ValueError('INVALID_OPTION', `${String(aggregate)} needs field (a field of the linked table)`);
    const out: RollupOptions = { link, aggregate: aggregate as RollupOptions['aggregate'] };
    if (field) out.field = field;
    if (typeof o.resultType === 'string') out.resultType = o.resultType;
    if (o.currency !== undefined) out.currency = (o.currency as string | null) ?? null;
    return out;
  },
  coerce: readOnly,
  toWire: (stored, field) => computedToWire(stored, field.options.resultType),
  sqlExpr: (field, alias) => `(${slotText(alias, field.slot)})`,
  delegate: (field) => proxyFor(field, field.options.resultType ?? 'number', field.options.currency),
  filterOperand: (v) => v,
  format: (wire) => formatComputed(wire),
};
