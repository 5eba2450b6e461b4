/** The field-type registry: one definition per type name; a duplicate is refused. */
import { DomainError } from './errors.js';
import type { AnyFieldType, FieldMeta, FieldTypeDef } from './types.js';

const registry = new Map<string, AnyFieldType>();

export function registerFieldType<O extends Record<string, unknown>>(def: FieldTypeDef<O>): void {
  if (registry.has(def.type)) throw new Error(`Field type "${def.type}" is already registered`);
  registry.set(def.type, def as unknown as AnyFieldType);
}

export function getFieldType(type: string): AnyFieldType {
  const def = registry.get(type);
  if (!def) {
    throw new DomainError('VALIDATION_FAILED', `Unknown field type "${type}"`, {
      type: { code: 'UNKNOWN_TYPE', message: `known types: ${[...registry.keys()].join(', ')}` },
    });
  }
  return def;
}

export function hasFieldType(type: string): boolean {
  return registry.has(type);
}

export function fieldTypeNames(): string[] {
  return [...registry.keys()];
}

/** The field as filters and sorts see it: a computed field delegates to its result type. */
export function effectiveField(field: FieldMeta): FieldMeta {
  let f = field;
  for (let i = 0; i < 4; i++) {
    const next = getFieldType(f.type).delegate?.(f);
    if (!next) return f;
    f = next;
  }
  return f;
}

/** The expression a unique index on `field` is built on (the bare form, no alias, by default). */
export function uniqueKeyExpr(field: FieldMeta, alias = ''): string {
  const def = getFieldType(field.type);
  return (def.uniqueExpr ?? def.sqlExpr)(field, alias);
}

/**
 * What a field can do, as the query layer decides it: read by the UI to offer only that.
 * The flags of FieldTypeDef; sortable and operators those of the type it filters as.
 */
export type FieldCapabilities = Pick<
  AnyFieldType,
  'computed' | 'sortable' | 'canBePrimary' | 'searchable' | 'canBeUnique' | 'operators'
> & {
  /** The type its filters and sorts follow: a formula's result type, else its own type. */
  readonly filterType: string;
};

/**
 * A field's capabilities, from its type's flags and, for filters and sorts, those of the
 * type it delegates to (effectiveField): a formula giving money filters like money, a
 * volatile one only by isEmpty/isNotEmpty. Takes a field of the metadata or of the wire
 * (only `type` and `options` are read).
 */
export function fieldCapabilities(field: { type: string; options?: Record<string, unknown> }): FieldCapabilities {
  const own = getFieldType(field.type);
  const meta = {
    id: '',
    tableId: '',
    key: '',
    label: '',
    slot: '',
    required: false,
    unique: false,
    defaultValue: null,
    searchable: false,
    position: 0,
    type: field.type,
    options: field.options ?? {},
  };
  const eff = effectiveField(meta);
  const filters = eff === meta ? own : getFieldType(eff.type);
  return {
    filterType: eff.type,
    computed: own.computed,
    sortable: filters.sortable,
    canBePrimary: own.canBePrimary,
    searchable: own.searchable,
    canBeUnique: own.canBeUnique,
    operators: filters.operators,
  };
}
