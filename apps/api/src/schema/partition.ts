/** Names and DDL of a user table's partition of `record`. */
import { uuidLiteral } from '@tabula/schema-engine';

export function partitionName(tableId: string): string {
  const hex = tableId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error('invalid table id');
  return `rec_${hex}`;
}

export function createPartitionSql(tableId: string): string {
  return `CREATE TABLE ${partitionName(tableId)} PARTITION OF record FOR VALUES IN (${uuidLiteral(tableId)})`;
}

export function uniqueIndexName(tableId: string, slot: string): string {
  return `${partitionName(tableId)}_u_${slot}`;
}

/** A unique field's index: unique among live records, by the key the field type compares (`keyExpr` over `data`). */
export function createUniqueIndexSql(tableId: string, slot: string, keyExpr: string): string {
  return `CREATE UNIQUE INDEX ${uniqueIndexName(tableId, slot)} ON ${partitionName(tableId)} (workspace_id, (${keyExpr})) WHERE deleted_at IS NULL`;
}
