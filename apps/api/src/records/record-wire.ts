/** A record row → its wire form `{id, version, data, owner, createdAt, updatedAt}`. */
import { encodeRecordData, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import type { RecordRow } from '../store/record-store.js';

export interface WireRecord {
  id: string;
  version: number;
  data: Record<string, unknown>;
  owner: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
  /** With ?expand: the linked records' display values. */
  expanded?: Record<string, unknown>;
}

function iso(v: Date | string): string {
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

export function toWire(table: TableMeta, row: RecordRow, canRead?: (f: FieldMeta) => boolean): WireRecord {
  const out: WireRecord = {
    id: row.id,
    version: row.version,
    data: encodeRecordData(table, row.data ?? {}, canRead),
    owner: row.owner_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
  if (row.deleted_at) out.deletedAt = iso(row.deleted_at);
  // cell errors of computed fields are kept beside the values
  const errors = row.data?._e as Record<string, { error: string; message: string }> | undefined;
  if (errors) for (const f of table.fields) if (errors[f.slot] && f.key in out.data) out.data[f.key] = errors[f.slot];
  return out;
}
