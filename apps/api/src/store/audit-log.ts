/**
 * The one door to the audit log (`audit_event`, partitioned by month): every statement
 * over it is written here. One row per record change (who, when, the field diff old → new
 * by slot, the record's version after it), none for computed values, one summary row
 * (no record) per bulk job or type change. It is the records' history on their cards, the
 * source of a history restore, and what a stale write is checked against (a conflict only
 * on fields changed since the version the client read). Reading it applies no rights: the
 * history service shows an event only for a record the reader may read, and only the
 * fields they may read.
 */
import { Injectable } from '@nestjs/common';
import { uuidLiteral, uuidv7 } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import { WorkspaceService } from '../workspace/workspace.service.js';

/** Slot → [before, after], as stored. */
export type AuditDiff = Record<string, [unknown, unknown]>;

export interface AuditEventRow {
  id: string;
  at: Date;
  version: number;
  action: string;
  user_id: string | null;
  user_name: string | null;
  diff: AuditDiff | null;
}

/** One change of one record, for `recordChanges`. */
export interface RecordChange {
  recordId: string;
  version: number;
  diff: AuditDiff;
}

/**
 * The branch of a statement that finds which of `$2::uuid[]` the log names as records of a
 * table (`$1` the workspace), for the record store's check of client-chosen ids.
 */
export function auditedIdsBranch(tableId: string): string {
  return `SELECT record_id AS id FROM audit_event WHERE workspace_id = $1 AND table_id = ${uuidLiteral(tableId)} AND record_id = ANY($2::uuid[])`;
}

@Injectable()
export class AuditLog {
  constructor(private readonly ws: WorkspaceService) {}

  /** One change of one record (create, update, delete, restore). */
  async recordChange(
    sql: Sql,
    tableId: string,
    recordId: string,
    version: number,
    action: string,
    userId: string,
    diff: Record<string, unknown> | null,
    summary?: unknown,
  ): Promise<void> {
    await sql.exec(
      `INSERT INTO audit_event (workspace_id, id, table_id, record_id, version, action, user_id, diff, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
      [
        this.ws.id,
        uuidv7(),
        tableId,
        recordId,
        version,
        action,
        userId,
        diff === null ? null : JSON.stringify(diff),
        summary === undefined ? null : JSON.stringify(summary),
      ],
    );
  }

  /** Updates of many records by one write, in one statement (the records whose single link another record's write moved). */
  async recordChanges(sql: Sql, tableId: string, userId: string, changes: RecordChange[]): Promise<void> {
    if (!changes.length) return;
    await sql.exec(
      `INSERT INTO audit_event (workspace_id, id, table_id, record_id, version, action, user_id, diff)
       SELECT $1::uuid, u.eid, $2::uuid, u.rid, u.v, 'update', $3::uuid, u.diff FROM unnest($4::uuid[], $5::uuid[], $6::int[], $7::jsonb[]) AS u(eid, rid, v, diff)`,
      [
        this.ws.id,
        tableId,
        userId,
        changes.map(() => uuidv7()),
        changes.map((c) => c.recordId),
        changes.map((c) => c.version),
        changes.map((c) => JSON.stringify(c.diff)),
      ],
    );
  }

  /** One row for a job over a whole table (a bulk create, a purge, a type change), naming no record. */
  async tableEvent(sql: Sql, tableId: string, action: string, userId: string | null, summary: unknown): Promise<void> {
    await sql.exec(
      `INSERT INTO audit_event (workspace_id, id, table_id, action, user_id, summary) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [this.ws.id, uuidv7(), tableId, action, userId, JSON.stringify(summary)],
    );
  }

  /** The diffs of a record's creates and updates after `version` (what a stale write conflicts with). */
  async diffsSince(sql: Sql, tableId: string, recordId: string, version: number): Promise<(Record<string, unknown> | null)[]> {
    const rows = await sql.query<{ diff: Record<string, unknown> | null }>(
      `SELECT diff FROM audit_event WHERE workspace_id = $1 AND table_id = $2 AND record_id = $3 AND version > $4 AND action IN ('create', 'update')`,
      [this.ws.id, tableId, recordId, version],
    );
    return rows.map((r) => r.diff);
  }

  /** A record's history, newest first (at most 500 events), with the names of who made each change. */
  async history(sql: Sql, tableId: string, recordId: string): Promise<AuditEventRow[]> {
    return sql.query<AuditEventRow>(
      `SELECT a.id, a.at, a.version, a.action, a.user_id, u.name AS user_name, a.diff
         FROM audit_event a LEFT JOIN app_user u ON u.workspace_id = a.workspace_id AND u.id = a.user_id
        WHERE a.workspace_id = $1 AND a.table_id = $2 AND a.record_id = $3
        ORDER BY a.at DESC, a.id DESC LIMIT 500`,
      [this.ws.id, tableId, recordId],
    );
  }

  /** One event of a record's history, or undefined. */
  async event(sql: Sql, tableId: string, recordId: string, eventId: string): Promise<{ version: number; at: Date } | undefined> {
    const [event] = await sql.query<{ version: number; at: Date }>(
      `SELECT version, at FROM audit_event WHERE workspace_id = $1 AND table_id = $2 AND record_id = $3 AND id = $4`,
      [this.ws.id, tableId, recordId, eventId],
    );
    return event;
  }

  /** The diffs of a record's events after `version`, newest first (what a history restore undoes). */
  async diffsAfter(sql: Sql, tableId: string, recordId: string, version: number): Promise<(AuditDiff | null)[]> {
    const rows = await sql.query<{ diff: AuditDiff | null }>(
      `SELECT diff FROM audit_event WHERE workspace_id = $1 AND table_id = $2 AND record_id = $3 AND version > $4 AND diff IS NOT NULL ORDER BY version DESC, at DESC`,
      [this.ws.id, tableId, recordId, version],
    );
    return rows.map((r) => r.diff);
  }

  /** The summary of a field's last type change, if any. */
  async lastTypeChange<S>(sql: Sql, tableId: string, fieldId: string): Promise<S | undefined> {
    const [row] = await sql.query<{ summary: S }>(
      `SELECT summary FROM audit_event WHERE workspace_id = $1 AND table_id = $2 AND record_id IS NULL AND action = 'type_change' AND summary->>'fieldId' = $3 ORDER BY at DESC, id DESC LIMIT 1`,
      [this.ws.id, tableId, fieldId],
    );
    return row?.summary;
  }
}
