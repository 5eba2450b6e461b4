/**
 * Tables and fields as the API answers them (`GET /api/tables`, a field's create or change,
 * a type change's 202): the wire contract's `WireTable` and `WireField` of
 * `@tabula/schema-engine/wire`, which the designer reads, built from the schema cache's
 * metadata. Fields speak keys; slots and stored ids of other fields never leave the API.
 */
import type { FieldMeta, TableMeta } from '@tabula/schema-engine';
import type { WireField, WireFieldSaved, WireTable } from '@tabula/schema-engine/wire';

/** A field as a create or change answers it (with the recompute job a computed field's change started). */
export type FieldOut = WireFieldSaved;
export type TableOut = WireTable;

export function tableOut(t: TableMeta): TableOut {
  const primary = t.fields.find((f) => f.id === t.primaryFieldId);
  return {
    id: t.id,
    key: t.key,
    label: t.label,
    primaryField: primary?.key ?? null,
    position: t.position,
    fields: t.fields.map((f) => fieldOut(t, f)),
  };
}

export function fieldOut(t: TableMeta, f: FieldMeta): WireField {
  return {
    id: f.id,
    key: f.key,
    label: f.label,
    type: f.type,
    options: f.options,
    required: f.required,
    unique: f.unique,
    default: f.defaultValue,
    searchable: f.searchable,
    position: f.position,
    primary: f.id === t.primaryFieldId,
  };
}
