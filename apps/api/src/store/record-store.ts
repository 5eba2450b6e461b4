/**
 * The one door to the `record` table (DESIGN.md "Storage"): every statement over user
 * records is written here, always with the workspace and the partition's table id as a
 * literal (the planner prunes to one partition and uses its indexes).
 */
import { Injectable } from '@nestjs/common';
import { buildWhere, isUuid, SqlBuilder, type TableMeta } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import { WorkspaceService } from '../workspace/workspace.service.js';

/** A record as the read and write paths see it (`RECORD_COLUMNS` of alias `r`). */
export interface RecordRow {
  id: string;
  version: number;
  data: Record<string, unknown>;
  owner_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at?: Date | string | null;
}

export const RECORD_COLUMNS = 'r.id, r.version, r.data, r.owner_id, r.created_at, r.updated_at, r.deleted_at';

@Injectable()
export class RecordStore {
  constructor(private readonly ws: WorkspaceService) {}

  /** One live (or, with `trashed`, trashed) record within a scope (the compiled rights condition is the authority), or undefined. */
  async fetch(sql: Sql, table: TableMeta, id: string, scope: unknown, opts: { forUpdate?: boolean; trashed?: boolean } = {}): Promise<RecordRow | undefined> {
    if (!isUuid(id)) return undefined;
    const b = new SqlBuilder();
    const where = buildWhere(table, { filter: undefined }, { workspaceId: this.ws.id, scope, trashed: opts.trashed, ...this.ws.valueContext() }, b);
    const [row] = await sql.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM record r WHERE ${where} AND r.id = ${b.param(id.toLowerCase(), 'uuid')}${opts.forUpdate ? ' FOR UPDATE' : ''}`,
      b.values,
    );
    return row;
  }
}
