/**
 * What the user field type cannot check alone: that an id names a user of this workspace.
 * Deactivated users count (a record keeps its former owner or assignee, and a history
 * restore writes them back); deleted users and ids of no user do not, and neither does
 * a user of another workspace. The answer is the same 400 VALIDATION_FAILED, per field,
 * as any other bad value (`UNKNOWN_USER`).
 */
import { DomainError, type TableMeta } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';

/** For each row (stored values by slot) naming a user that does not exist: its index → the error. */
export async function unknownUsers(
  sql: Sql,
  workspaceId: string,
  table: TableMeta,
  rows: readonly Record<string, unknown>[],
): Promise<Map<number, DomainError>> {
  const fields = table.fields.filter((f) => f.type === 'user');
  const out = new Map<number, DomainError>();
  const ids = new Set<string>();
  for (const row of rows) for (const f of fields) if (typeof row[f.slot] === 'string') ids.add(row[f.slot] as string);
  if (!ids.size) return out;
  const found = await sql.query<{ id: string }>(`SELECT id::text AS id FROM app_user WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [
    workspaceId,
    [...ids],
  ]);
  const known = new Set(found.map((u) => u.id));
  rows.forEach((row, i) => {
    const bad = fields.filter((f) => typeof row[f.slot] === 'string' && !known.has(row[f.slot] as string));
    if (!bad.length) return;
    const details = Object.fromEntries(bad.map((f) => [f.key, { code: 'UNKNOWN_USER', message: 'is not a user of this workspace' }]));
    out.set(i, new DomainError('VALIDATION_FAILED', `Invalid value for "${bad[0]!.key}": is not a user of this workspace`, details));
  });
  return out;
}
