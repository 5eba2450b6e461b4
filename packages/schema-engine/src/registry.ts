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
