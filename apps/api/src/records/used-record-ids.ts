/**
 * Which of the ids a client chose for new records are used already.
 *
 * A client-supplied id must be new to the whole workspace, not only to its table: the
 * answer to "create a record with id X" is then the same 409 whatever X is — a record of
 * this table or of another one, live, in the trash or purged, readable by the writer or
 * not — and says nothing about that record (not even which table holds it). Purged ids
 * stay used because the audit trail still names them: a new record taking one would show
 * the old record's history as its own.
 *
 * One index probe per table and id (a UNION ALL with each partition's table id written
 * literally, so each branch prunes to one partition's primary key and to the audit index).
 */
import { DomainError, uuidLiteral, type TableMeta } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';

export async function usedRecordIds(sql: Sql, workspaceId: string, tables: readonly TableMeta[], ids: readonly string[]): Promise<string[]> {
  if (!ids.length || !tables.length) return [];
  const branches = tables.flatMap((t) => [
    `SELECT id FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(t.id)} AND id = ANY($2::uuid[])`,
    `SELECT record_id AS id FROM audit_event WHERE workspace_id = $1 AND table_id = ${uuidLiteral(t.id)} AND record_id = ANY($2::uuid[])`,
  ]);
  const rows = await sql.query<{ id: string }>(branches.join(' UNION ALL '), [workspaceId, ids]);
  const used = new Set(rows.map((r) => r.id));
  return ids.filter((id) => used.has(id));
}

/** The one answer to ids that are used: it names only the ids the client sent. */
export function idsTaken(ids: readonly string[]): DomainError {
  return new DomainError('CONFLICT', 'A record with this id already exists', { ids: ids.slice(0, 20) });
}
