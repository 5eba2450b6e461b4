/** Fields and tables as the schema cache holds them (options parsed by their types), for the computed engine's unit specs (not built). */
import { getFieldType, type FieldMeta, type TableMeta } from '@tabula/schema-engine';

export const ID = (n: number) => `0192f0c1-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** Field number `n` of a table: id ID(n), slot `f<n>`, key `key` (the type's name by default). */
export function field(tableId: string, n: number, type: string, options: unknown, key = `${type}_${n}`): FieldMeta {
  return {
    id: ID(n),
    tableId,
    key,
    label: type,
    type,
    slot: `f${n}`,
    options: getFieldType(type).parseOptions(options),
    required: false,
    unique: false,
    defaultValue: null,
    searchable: false,
    position: n,
  };
}

export function table(id: string, key: string, fields: FieldMeta[], position = 0): TableMeta {
  return { id, workspaceId: ID(0), key, label: key, primaryFieldId: null, position, fields };
}
