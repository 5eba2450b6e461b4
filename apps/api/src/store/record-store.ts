/**
 * The one door to the `record` table (DESIGN.md "Storage"): every statement over user
 * records is written here, and a lint rule (eslint.config.js) keeps it so.
 *
 * - Every statement names the workspace and the partition's table id as a literal taken
 *   from the schema, never from input, so the planner prunes to one partition and uses its
 *   indexes (two exceptions, a delete batch spanning tables: `trashedInBatch`, `restoreBatch`).
 * - Every read takes a `RowScope` (row-scope.ts), required: a user's rights scope, compiled
 *   into the WHERE clause, or `SYSTEM` where the engine must see every record (computed
 *   values, the rows a rights check judges, links, cascades, type changes). Reads that only
 *   the engine makes take `SystemScope`, so a caller cannot hand them a user's scope and
 *   believe it applied.
 * - Writes name the rows by id: rows the caller read and locked within its scope in the same
 *   transaction, or a whole delete batch, or the trash of a table.
 * - Joins to `record` from link statements (`joinRecord`, `lateralLiveRecord`) are written
 *   here too; they see every record, and the link service decides what a reader sees of them.
 * The statements are the measured ones (ADR 0007, 0009, tests/bench): change them only
 * with the benchmark.
 */
import { Injectable } from '@nestjs/common';
import { buildPivotQuery, type PivotSpec } from '@tabula/report-builder';
import {
  buildListQuery,
  buildWhere,
  compileFilter,
  isUuid,
  slotLiteral,
  SqlBuilder,
  uuidLiteral,
  type FieldMeta,
  type ListParams,
  type ListQuery,
  type TableMeta,
} from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import { partitionName } from '../schema/partition.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { auditedIdsBranch } from './audit-log.js';
import { scopeFilter, type RowScope, type SystemScope } from './row-scope.js';

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

/** A stored record with who made and changed it: what a write's rights check judges. */
export interface StoredImage {
  id: string;
  data: Record<string, unknown>;
  owner_id: string | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
}

/** A row's id and data (the computed engine's reads, locked). */
export interface DataRow {
  id: string;
  data: Record<string, unknown>;
}

/** A record's value of one slot during a type change: `v` now, `p` in the slot a change back restores, `live` not in the trash. */
export interface SlotRow {
  id: string;
  v: unknown;
  p: unknown;
  live: boolean;
}

/** The parts of a formula as SQL (formulaToSql) for `recomputeInSql`, over `r` (the row) and `b.v` (its value). */
export interface SqlRecomputeStep {
  slot: string;
  value: string;
  guard: string;
  laterals: string;
  /** The stored form of `b.v`. */
  stored: string;
}

/** What a `recomputeInSql` step saw and did. */
export interface SqlRecomputeResult {
  n: number;
  last: string | null;
  changed: string[];
  rest: string[];
}

const ZERO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * `JOIN record <alias>` to the record of `tableId` that a link row (`l`) names in `column`,
 * on its partition; `live` leaves trashed records out. Sees every record (SYSTEM).
 */
export function joinRecord(alias: string, tableId: string, column: string, _scope: SystemScope, opts: { live: boolean }): string {
  return `JOIN record ${alias} ON ${alias}.workspace_id = l.workspace_id AND ${alias}.table_id = ${uuidLiteral(tableId)} AND ${alias}.id = l.${column}${opts.live ? ` AND ${alias}.deleted_at IS NULL` : ''}`;
}

/**
 * The live record of `tableId` that a link row (`l`) names in `column`, as a lateral
 * subquery aliased `alias`: one primary-key probe per link row, whatever the statistics say.
 * As a plain join, a partition and a record_link just filled by an import (no ANALYZE yet,
 * 1 row estimated) made the planner scan the whole partition per link row (10,000 lines:
 * 109 s). OFFSET 0 keeps the subquery from being flattened back into that join.
 */
export function lateralLiveRecord(alias: string, tableId: string, column: string, _scope: SystemScope): string {
  return `CROSS JOIN LATERAL (SELECT ${alias}.* FROM record ${alias} WHERE ${alias}.workspace_id = l.workspace_id AND ${alias}.table_id = ${uuidLiteral(tableId)} AND ${alias}.id = l.${column} AND ${alias}.deleted_at IS NULL OFFSET 0) ${alias}`;
}

@Injectable()
export class RecordStore {
  constructor(private readonly ws: WorkspaceService) {}

  // --- reads within a scope ---------------------------------------------------------

  /** A page of records (schema-engine's list query: filter, sort, search, paging, counts) within a scope. */
  listQuery(
    table: TableMeta,
    params: ListParams,
    scope: RowScope,
    opts: { canRead?: (f: FieldMeta) => boolean; trashed?: boolean } = {},
  ): ListQuery {
    return buildListQuery(table, params, {
      workspaceId: this.ws.id,
      scope: scopeFilter(scope),
      canRead: opts.canRead,
      trashed: opts.trashed,
      ...this.ws.valueContext(),
    });
  }

  /** A pivot over the records within a scope (report-builder: the same WHERE as a list, then groups and aggregates). */
  pivotQuery(
    table: TableMeta,
    spec: PivotSpec,
    scope: RowScope,
    opts: { canRead?: (f: FieldMeta) => boolean },
  ): { text: string; values: unknown[] } {
    return buildPivotQuery(table, spec, {
      workspaceId: this.ws.id,
      scope: scopeFilter(scope),
      canRead: opts.canRead,
      ...this.ws.valueContext(),
    });
  }

  /** The statement reading one record within a scope (live, or in the trash with `trashed`), to run as is or wrapped. */
  oneQuery(table: TableMeta, id: string, scope: RowScope, opts: { trashed?: boolean } = {}): { text: string; values: unknown[] } {
    const b = new SqlBuilder();
    const where = buildWhere(
      table,
      { filter: undefined },
      { workspaceId: this.ws.id, scope: scopeFilter(scope), trashed: opts.trashed, ...this.ws.valueContext() },
      b,
    );
    return {
      text: `SELECT ${RECORD_COLUMNS} FROM record r WHERE ${where} AND r.id = ${b.param(id.toLowerCase(), 'uuid')}`,
      values: b.values,
    };
  }

  /** One record within a scope (the compiled rights condition is the authority), locked with `forUpdate`; undefined outside it. */
  async fetch(
    sql: Sql,
    table: TableMeta,
    id: string,
    scope: RowScope,
    opts: { forUpdate?: boolean; trashed?: boolean } = {},
  ): Promise<RecordRow | undefined> {
    if (!isUuid(id)) return undefined;
    const q = this.oneQuery(table, id, scope, opts);
    const [row] = await sql.query<RecordRow>(`${q.text}${opts.forUpdate ? ' FOR UPDATE' : ''}`, q.values);
    return row;
  }

  /** Which of `ids` are records of the table within a scope (`live`: not in the trash). */
  async idsWithin(sql: Sql, table: TableMeta, ids: string[], scope: RowScope, opts: { live: boolean }): Promise<Set<string>> {
    const b = new SqlBuilder();
    const head = `SELECT r.id FROM record r WHERE r.workspace_id = ${b.param(this.ws.id, 'uuid')} AND r.table_id = ${uuidLiteral(table.id)} AND r.id = ANY(${b.param(ids, 'uuid[]')}) ${opts.live ? 'AND r.deleted_at IS NULL' : ''}`;
    const filter = scopeFilter(scope);
    const where =
      filter === undefined
        ? ''
        : ` AND COALESCE(${compileFilter(table, filter, { alias: 'r', sql: b, ...this.ws.valueContext() })}, FALSE)`;
    const rows = await sql.query<{ id: string }>(head + where, b.values);
    return new Set(rows.map((r) => r.id));
  }

  // --- the engine's reads (every record) ---------------------------------------------

  /** Records by id as stored, trash included (a write's answer re-read after its computed values settled). */
  async rowsById(sql: Sql, table: TableMeta, ids: string[], _scope: SystemScope): Promise<RecordRow[]> {
    return sql.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM record r WHERE r.workspace_id = $1 AND r.table_id = ${uuidLiteral(table.id)} AND r.id = ANY($2::uuid[])`,
      [this.ws.id, ids],
    );
  }

  /** The stored records a write's rights check judges. */
  async images(sql: Sql, table: TableMeta, ids: string[], _scope: SystemScope): Promise<StoredImage[]> {
    return sql.query<StoredImage>(
      `SELECT id, data, owner_id, created_by, updated_by, created_at, updated_at, version FROM record
        WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND id = ANY($2::uuid[])`,
      [this.ws.id, ids],
    );
  }

  /**
   * Which of the ids a client chose for new records are used already, in any table, live,
   * trashed or purged (the audit log still names purged ones): one index probe per table
   * and id, a UNION ALL whose branches each prune to one partition and to the audit index.
   */
  async usedIds(sql: Sql, tables: readonly TableMeta[], ids: readonly string[], _scope: SystemScope): Promise<Set<string>> {
    if (!ids.length || !tables.length) return new Set();
    const branches = tables.flatMap((t) => [
      `SELECT id FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(t.id)} AND id = ANY($2::uuid[])`,
      auditedIdsBranch(t.id),
    ]);
    const rows = await sql.query<{ id: string }>(branches.join(' UNION ALL '), [this.ws.id, ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** The delete batch a trashed record went with, if any. */
  async deleteBatch(sql: Sql, table: TableMeta, id: string, _scope: SystemScope): Promise<string | null> {
    const [b] = await sql.query<{ delete_batch: string | null }>(
      `SELECT delete_batch FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND id = $2`,
      [this.ws.id, id],
    );
    return b?.delete_batch ?? null;
  }

  /** The records of a delete batch still in the trash, of every table. */
  async trashedInBatch(sql: Sql, batch: string, _scope: SystemScope): Promise<{ table_id: string; id: string }[]> {
    return sql.query<{ table_id: string; id: string }>(
      `SELECT table_id, id FROM record WHERE workspace_id = $1 AND delete_batch = $2 AND deleted_at IS NOT NULL`,
      [this.ws.id, batch],
    );
  }

  /** Live records, counted. */
  async countLive(sql: Sql, table: TableMeta, _scope: SystemScope): Promise<number> {
    const [c] = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND deleted_at IS NULL`,
      [this.ws.id],
    );
    return c!.n;
  }

  /** Live records by id, locked in id order (the computed engine's fixed lock order). */
  async lockLive(sql: Sql, table: TableMeta, ids: string[], _scope: SystemScope): Promise<DataRow[]> {
    return sql.query<DataRow>(
      `SELECT id, data FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND id = ANY($2::uuid[]) AND deleted_at IS NULL ORDER BY id FOR UPDATE`,
      [this.ws.id, ids],
    );
  }

  /** The next `limit` live records after `after` (keyset, id order), read and locked in one statement. */
  async lockLivePage(sql: Sql, table: TableMeta, after: string | undefined, limit: number, _scope: SystemScope): Promise<DataRow[]> {
    return sql.query<DataRow>(
      `SELECT id, data FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND deleted_at IS NULL ${after ? 'AND id > $2' : ''} ORDER BY id LIMIT ${limit} FOR UPDATE`,
      after ? [this.ws.id, after] : [this.ws.id],
    );
  }

  /** One slot's stored value of live records by id. */
  async liveValues(sql: Sql, table: TableMeta, ids: string[], slot: string, _scope: SystemScope): Promise<{ id: string; v: unknown }[]> {
    return sql.query<{ id: string; v: unknown }>(
      `SELECT id, data->${slotLiteral(slot)} AS v FROM record
        WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
      [this.ws.id, ids],
    );
  }

  /** Live records in creation order (an autonumber field added to a table numbers them so), with their UTC creation day. */
  async liveByCreation(sql: Sql, table: TableMeta, _scope: SystemScope): Promise<(DataRow & { created: string })[]> {
    return sql.query<DataRow & { created: string }>(
      `SELECT id, data, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS created FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND deleted_at IS NULL ORDER BY created_at, id`,
      [this.ws.id],
    );
  }

  // --- writes ------------------------------------------------------------------------

  /** New records owned and made by `userId`; an id already in the table is skipped (the caller compares the count). */
  async insert(sql: Sql, table: TableMeta, rows: DataRow[], userId: string, opts: { returnIds?: boolean } = {}): Promise<RecordRow[]> {
    return sql.query<RecordRow>(
      `INSERT INTO record (workspace_id, table_id, id, data, owner_id, created_by, updated_by)
       SELECT $1::uuid, ${uuidLiteral(table.id)}, u.id, u.data, $2::uuid, $2::uuid, $2::uuid
         FROM jsonb_to_recordset($3::jsonb) AS u(id uuid, data jsonb)
       ON CONFLICT (workspace_id, table_id, id) DO NOTHING
       RETURNING ${opts.returnIds ? 'id' : 'id, version, data, owner_id, created_at, updated_at'}`,
      [this.ws.id, userId, JSON.stringify(rows)],
    );
  }

  /** A user's change: the record's whole new data, a new version. */
  async update(sql: Sql, table: TableMeta, id: string, data: Record<string, unknown>, userId: string): Promise<RecordRow | undefined> {
    const [row] = await sql.query<RecordRow>(
      `UPDATE record r SET data = $4::jsonb, version = r.version + 1, updated_at = now(), updated_by = $3
        WHERE r.workspace_id = $1 AND r.table_id = ${uuidLiteral(table.id)} AND r.id = $2
        RETURNING ${RECORD_COLUMNS}`,
      [this.ws.id, id, userId, JSON.stringify(data)],
    );
    return row;
  }

  /** A new version for records whose value changed from elsewhere (a single link moved by another record's write). */
  async bumpVersions(sql: Sql, table: TableMeta, ids: string[], userId: string): Promise<{ id: string; version: number }[]> {
    return sql.query<{ id: string; version: number }>(
      `UPDATE record SET version = version + 1, updated_at = now(), updated_by = $3
        WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND id = ANY($2::uuid[]) RETURNING id, version`,
      [this.ws.id, ids, userId],
    );
  }

  /** Merges patches into `data` (computed values: with `stripNulls`, a null removes the slot), without a new version. */
  async mergeData(sql: Sql, table: TableMeta, patches: DataRow[], opts: { stripNulls: boolean }): Promise<void> {
    const merged = opts.stripNulls ? 'jsonb_strip_nulls(r.data || u.data)' : 'r.data || u.data';
    await sql.exec(
      `UPDATE record r SET data = ${merged} FROM jsonb_to_recordset($2::jsonb) AS u(id uuid, data jsonb)
        WHERE r.workspace_id = $1 AND r.table_id = ${uuidLiteral(table.id)} AND r.id = u.id AND r.id = ANY($3::uuid[])`,
      [this.ws.id, JSON.stringify(patches), patches.map((p) => p.id)],
    );
  }

  /** Moves live records to the trash as one delete batch. */
  async trash(sql: Sql, table: TableMeta, ids: string[], batch: string, userId: string): Promise<{ id: string; version: number }[]> {
    return sql.query<{ id: string; version: number }>(
      `UPDATE record SET deleted_at = now(), delete_batch = $3, updated_by = $4
        WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND id = ANY($2::uuid[]) AND deleted_at IS NULL RETURNING id, version`,
      [this.ws.id, ids, batch, userId],
    );
  }

  /** Brings a whole delete batch back from the trash, every table of it. */
  async restoreBatch(sql: Sql, batch: string, userId: string): Promise<{ table_id: string; id: string; version: number }[]> {
    return sql.query<{ table_id: string; id: string; version: number }>(
      `UPDATE record SET deleted_at = NULL, delete_batch = NULL, updated_at = now(), updated_by = $3 WHERE workspace_id = $1 AND delete_batch = $2 AND deleted_at IS NOT NULL RETURNING table_id, id, version`,
      [this.ws.id, batch, userId],
    );
  }

  /** Brings one record back from the trash (one deleted before delete batches existed). */
  async restoreOne(sql: Sql, table: TableMeta, id: string, userId: string): Promise<{ table_id: string; id: string; version: number }[]> {
    return sql.query<{ table_id: string; id: string; version: number }>(
      `UPDATE record SET deleted_at = NULL, updated_at = now(), updated_by = $3 WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND id = $2 RETURNING table_id, id, version`,
      [this.ws.id, id, userId],
    );
  }

  /** Deletes the table's trash for good; returns the ids. */
  async purgeTrash(sql: Sql, table: TableMeta): Promise<string[]> {
    const gone = await sql.query<{ id: string }>(
      `DELETE FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(table.id)} AND deleted_at IS NOT NULL RETURNING id`,
      [this.ws.id],
    );
    return gone.map((g) => g.id);
  }

  // --- whole-table work in keyset batches (recompute, type change) -------------------

  /**
   * One step of a whole-table recompute in the database: the next `limit` live rows after
   * `after` are locked (id order), the formula is evaluated where its guard holds, and the
   * rows whose value or cell error changes are written, without the rows leaving the
   * database. Returns the rows seen, the last id, the ids written and the ids whose guard
   * failed (left to the evaluator).
   */
  async recomputeInSql(
    sql: Sql,
    table: TableMeta,
    f: SqlRecomputeStep,
    after: string | undefined,
    limit: number,
    _scope: SystemScope,
  ): Promise<SqlRecomputeResult> {
    const slot = slotLiteral(f.slot);
    const tid = uuidLiteral(table.id);
    const [r] = await sql.query<SqlRecomputeResult>(
      `WITH b AS (
         SELECT r.id, r.data, ${f.value} AS v, coalesce((${f.guard}), false) AS ok
           FROM record r ${f.laterals}
          WHERE r.workspace_id = $1 AND r.table_id = ${tid} AND r.deleted_at IS NULL ${after ? 'AND r.id > $2' : ''}
          ORDER BY r.id LIMIT ${limit} FOR UPDATE OF r
       ), w AS (
         SELECT b.id, b.data, ${f.stored} AS nv FROM b WHERE b.ok
       ), u AS (
         UPDATE record t
            SET data = CASE
                  WHEN NOT coalesce(w.data->'_e' ? ${slot}, false) THEN t.data || jsonb_build_object(${slot}, w.nv)
                  WHEN (w.data->'_e') - ${slot} = '{}'::jsonb THEN (t.data || jsonb_build_object(${slot}, w.nv)) - '_e'
                  ELSE jsonb_set(t.data || jsonb_build_object(${slot}, w.nv), '{_e}', (w.data->'_e') - ${slot}) END
           FROM w
          WHERE t.workspace_id = $1 AND t.table_id = ${tid} AND t.id = w.id
            -- by primary key: a join to the CTE's unknown row count could scan the whole partition
            AND t.id = ANY(ARRAY(SELECT id FROM w))
            AND (w.data->${slot} IS DISTINCT FROM w.nv OR coalesce(w.data->'_e' ? ${slot}, false))
         RETURNING t.id
       )
       SELECT (SELECT count(*) FROM b)::int AS n,
              (SELECT (array_agg(id ORDER BY id DESC))[1] FROM b)::text AS last,
              (SELECT coalesce(array_agg(id), '{}') FROM u)::text[] AS changed,
              (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM b WHERE NOT ok)::text[] AS rest`,
      after ? [this.ws.id, after] : [this.ws.id],
    );
    return r!;
  }

  /** Every record counted (trash included), with the database's clock: where a type change starts. */
  async sizeNow(sql: Sql, tableId: string, _scope: SystemScope): Promise<{ n: number; now: string }> {
    const [size] = await sql.query<{ n: number; now: string }>(
      `SELECT count(*)::int AS n, now()::text AS now FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(tableId)}`,
      [this.ws.id],
    );
    return size!;
  }

  /**
   * One keyset batch of a slot's values for a type change (trash included unless `liveOnly`),
   * with the value of the slot a change back restores; with `since`, only records written
   * since then, less `marginSeconds` (writers whose transactions began before are caught).
   */
  async slotBatch(
    sql: Sql,
    tableId: string,
    o: {
      slot: string;
      restoreSlot: string | null;
      after: string | null;
      since?: string | null;
      marginSeconds: number;
      liveOnly?: boolean;
      limit: number;
    },
    _scope: SystemScope,
  ): Promise<SlotRow[]> {
    const b = new SqlBuilder();
    const prev = o.restoreSlot ? `data->${b.param(o.restoreSlot, 'text')}` : 'NULL::jsonb';
    const since = o.since ? ` AND updated_at >= ${b.param(o.since, 'timestamptz')} - make_interval(secs => ${o.marginSeconds})` : '';
    const text = `SELECT id, data->${b.param(o.slot, 'text')} AS v, ${prev} AS p, deleted_at IS NULL AS live FROM record
      WHERE workspace_id = ${b.param(this.ws.id, 'uuid')} AND table_id = ${uuidLiteral(tableId)} AND id > ${b.param(o.after ?? ZERO_ID, 'uuid')}${since}${o.liveOnly ? ' AND deleted_at IS NULL' : ''}
      ORDER BY id LIMIT ${o.limit}`;
    return sql.query<SlotRow>(text, b.values);
  }

  /** Sets one slot of records by id (`v` absent: the slot is removed), without a new version. */
  async setSlot(sql: Sql, tableId: string, slot: string, updates: { id: string; v?: unknown }[]): Promise<void> {
    await sql.exec(
      `UPDATE record r SET data = CASE WHEN u.v IS NULL THEN r.data - $2::text ELSE jsonb_set(r.data, ARRAY[$2::text], u.v) END
         FROM jsonb_to_recordset($3::jsonb) AS u(id uuid, v jsonb)
        WHERE r.workspace_id = $1 AND r.table_id = ${uuidLiteral(tableId)} AND r.id = u.id`,
      [this.ws.id, slot, JSON.stringify(updates)],
    );
  }

  /** Removes a slot from the next `limit` records after `after` (keyset, trash included); returns the ids seen. */
  async clearSlotBatch(
    sql: Sql,
    tableId: string,
    slot: string,
    after: string | null,
    limit: number,
    _scope: SystemScope,
  ): Promise<string[]> {
    const rows = await sql.query<{ id: string }>(
      `SELECT id FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(tableId)} AND id > $2 ORDER BY id LIMIT ${limit}`,
      [this.ws.id, after ?? ZERO_ID],
    );
    if (rows.length) {
      await sql.exec(
        `UPDATE record SET data = data - $2::text WHERE workspace_id = $1 AND table_id = ${uuidLiteral(tableId)} AND id = ANY($3::uuid[]) AND data ? $2::text`,
        [this.ws.id, slot, rows.map((r) => r.id)],
      );
    }
    return rows.map((r) => r.id);
  }

  /**
   * A type change's outcome over the next `limit` live records after `after`: how many have
   * a value in `slot` (convertible), lost the one they had in `fromSlot`, got back the one
   * of `restoreSlot`; and the last id counted.
   */
  async tallySlots(
    sql: Sql,
    tableId: string,
    o: { slot: string; fromSlot: string; restoreSlot: string | null; after: string | null; limit: number },
    _scope: SystemScope,
  ): Promise<{ n: number; convertible: number; lost: number; restored: number; last: string | null }> {
    const prev = o.restoreSlot ? `NULLIF(data->$5::text, 'null'::jsonb)` : 'NULL::jsonb';
    const [c] = await sql.query<{ n: number; convertible: number; lost: number; restored: number; last: string | null }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE nv IS NOT NULL)::int AS convertible, count(*) FILTER (WHERE nv IS NULL AND ov IS NOT NULL)::int AS lost,
              count(*) FILTER (WHERE nv IS NOT NULL AND nv = pv)::int AS restored, max(id::text COLLATE "C") AS last
         FROM (SELECT id, NULLIF(data->$2::text, 'null'::jsonb) AS nv, NULLIF(data->$3::text, 'null'::jsonb) AS ov, ${prev} AS pv
                 FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(tableId)} AND deleted_at IS NULL AND id > $4::uuid ORDER BY id LIMIT ${o.limit}) s`,
      [this.ws.id, o.slot, o.fromSlot, o.after ?? ZERO_ID, ...(o.restoreSlot ? [o.restoreSlot] : [])],
    );
    return c!;
  }

  /** Values of a slot that live records share, by the key a unique index compares (`keyExpr` over `data`): at most `limit`. */
  async duplicates(
    sql: Sql,
    tableId: string,
    slot: string,
    keyExpr: string,
    limit: number,
    _scope: SystemScope,
  ): Promise<{ v: unknown; n: number }[]> {
    return sql.query<{ v: unknown; n: number }>(
      `SELECT min(data->>$2::text) AS v, count(*)::int AS n FROM record
        WHERE workspace_id = $1 AND table_id = ${uuidLiteral(tableId)} AND deleted_at IS NULL AND data->>$2::text IS NOT NULL GROUP BY ${keyExpr} HAVING count(*) > 1 LIMIT ${limit}`,
      [this.ws.id, slot],
    );
  }

  /** Holds off writes to the table's partition until the transaction ends (a type change's switch). */
  async lockAgainstWrites(sql: Sql, tableId: string): Promise<void> {
    await sql.exec(`LOCK TABLE ${partitionName(tableId)} IN SHARE ROW EXCLUSIVE MODE`);
  }
}
