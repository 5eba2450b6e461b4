/**
 * Derived fields (FieldTypeDef.derived: formula, lookup, rollup): which fields the computed
 * engine computes, how, and what their kind's options name. The engine, the rights, the
 * configuration document and the formula bridge ask here — never a list of type names —
 * so a new derived type is its module alone.
 */
import './field-types/all.js';
import type { ROLLUP_AGGREGATES } from './field-types/rollup.field-type.js';
import { getFieldType, hasFieldType } from './registry.js';
import type { DerivationKind, FieldMeta, FormulaType } from './types.js';

export type AggregateFnName = (typeof ROLLUP_AGGREGATES)[number];

/** A derived field's sources, read from its options: ids once saved, keys in a body or a configuration document. */
export type Derivation =
  | { kind: 'formula'; expression: string; stored?: string }
  | { kind: 'lookup'; link: string; field: string | null }
  | { kind: 'aggregate'; link: string; field: string | null; fn: AggregateFnName };

/** The options an administrator writes per kind (the engine fills the rest on save); a configuration document carries only these. */
export const SOURCE_OPTIONS: Readonly<Record<DerivationKind, readonly string[]>> = {
  formula: ['expression'],
  lookup: ['link', 'field'],
  aggregate: ['link', 'field', 'aggregate'],
};

/** How the field's type derives its value, or false (a type this build does not know is not derived). */
export function derivedKind(field: { type: string }): DerivationKind | false {
  return hasFieldType(field.type) ? getFieldType(field.type).derived : false;
}

export function isDerived(field: { type: string }): boolean {
  return derivedKind(field) !== false;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const ref = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));

/** The field's derivation, from the options of its kind; undefined when it is not derived. */
export function derivationOf(field: { type: string; options: Record<string, unknown> }): Derivation | undefined {
  const o = field.options;
  switch (derivedKind(field)) {
    case 'formula':
      return typeof o.stored === 'string'
        ? { kind: 'formula', expression: text(o.expression), stored: o.stored }
        : { kind: 'formula', expression: text(o.expression) };
    case 'lookup':
      return { kind: 'lookup', link: text(o.link), field: ref(o.field) };
    case 'aggregate':
      return { kind: 'aggregate', link: text(o.link), field: ref(o.field), fn: String(o.aggregate ?? 'sum') as AggregateFnName };
    default:
      return undefined;
  }
}

/** The field's type as formulas see it (its type's formulaType hook); `any` for a type this build does not know. */
export function formulaTypeOf(field: FieldMeta): FormulaType {
  return hasFieldType(field.type) ? getFieldType(field.type).formulaType(field) : { type: 'any' };
}
