/**
 * Link values: read for a page of records within the page's own statement (scalar
 * subqueries per link field, `pageColumns`) or in one query per link field (never per
 * record, `load`), written with target checks, and followed on delete (restrict / cascade /
 * unlink). Trashed records drop out of every link without their rows being touched, so a
 * restore brings the links back.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  compileFilter,
  DomainError,
  getFieldType,
  LINKS_IN_LISTS,
  linkOptions,
  linkStorage,
  SqlBuilder,
  slotJson,
  uuidLiteral,
  type FieldMeta,
  type TableMeta,
} from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import { SchemaService } from '../tables/schema.service.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';

/** How `expand` sees a linked table: its read scope for the reader and the fields they may read. */
export interface LinkExpand {
  scope(target: TableMeta): unknown;
  canRead?(target: TableMeta, field: FieldMeta): boolean;
}

export interface LinkedRef {
  id: string;
  name?: unknown;
  readable: boolean;
}

@Injectable()
export class LinkService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
  ) {}

  linkFields(table: TableMeta): FieldMeta[] {
    return table.fields.filter((f) => f.type === 'link');
  }

  /**
   * The first LINKS_IN_LISTS live linked ids of each record for each link field, one query
   * per field. With `expand`, also the linked records' primary values where `readScope`
   * (a function giving the target table's read scope) lets the reader see them.
   */
  async load(
    sql: Sql,
    table: TableMeta,
    recordIds: string[],
    fields: FieldMeta[],
    expand?: LinkExpand,
  ): Promise<Map<string, Record<string, LinkedRef[]>>> {
    const out = new Map<string, Record<string, LinkedRef[]>>();
    if (!recordIds.length) return out;
    for (const id of recordIds) out.set(id, Object.fromEntries(fields.map((f) => [f.key, []])));
    for (const field of fields) {
      const target = this.schema.tableById(linkOptions(field).table);
      if (!target) continue;
      const s = linkStorage(field);
      const b = new SqlBuilder();
      const ids = b.param(recordIds, 'uuid[]');
      const part = this.linkSelect(b, field, target, expand);
      const rows = await sql.query<{ rid: string; oid: string; name: unknown; readable: boolean }>(
        `SELECT rid, oid, name, readable FROM (
           SELECT l.${s.self} AS rid, l.${s.other} AS oid, ${part.name} AS name, ${part.readable} AS readable,
                  row_number() OVER (PARTITION BY l.${s.self} ORDER BY ${part.order.join(', ')}) AS rn
             ${part.from}
            WHERE ${part.where} AND l.${s.self} = ANY(${ids})
         ) x WHERE rn <= ${LINKS_IN_LISTS} ORDER BY rid, rn`,
        b.values,
      );
      for (const r of rows) out.get(r.rid)?.[field.key]?.push(this.ref(target, r.oid, r.name, r.readable, !!expand));
    }
    return out;
  }

  /**
   * The same values as `load`, as scalar subqueries for the SELECT list of the statement
   * that reads the page itself (no second round trip): one column per field, `alias.id`
   * being the record, holding JSON `[[id, name, readable], …]` (ids only, `[id, …]`,
   * without expand) in link order. Parameters go to `b`, which must continue the page
   * statement's numbering. `decode` turns a row's columns into the map `load` returns.
   */
  pageColumns(
    b: SqlBuilder,
    alias: string,
    fields: FieldMeta[],
    expand?: { fields: FieldMeta[]; rights: LinkExpand },
  ): { select: string[]; decode(row: Record<string, unknown>): Record<string, LinkedRef[]> } {
    const select: string[] = [];
    const cols: { field: FieldMeta; target: TableMeta; col: string; expanded: boolean }[] = [];
    for (const field of fields) {
      const target = this.schema.tableById(linkOptions(field).table);
      if (!target) continue;
      const s = linkStorage(field);
      const expanded = !!expand?.fields.some((f) => f.id === field.id);
      const part = this.linkSelect(b, field, target, expanded ? expand!.rights : undefined);
      const col = `_link${cols.length}`;
      const item = expanded ? `json_build_array(x.oid, x.name, x.readable)` : `x.oid`;
      const extra = expanded ? `, ${part.name} AS name, ${part.readable} AS readable` : '';
      select.push(
        `(SELECT json_agg(${item} ORDER BY ${part.order.map((_, i) => `x.o${i}`).join(', ')}) FROM (
           SELECT l.${s.other} AS oid${extra}, ${part.order.map((e, i) => `${e} AS o${i}`).join(', ')}
             ${part.from}
            WHERE ${part.where} AND l.${s.self} = ${alias}.id
            ORDER BY ${part.order.join(', ')} LIMIT ${LINKS_IN_LISTS}) x) AS ${col}`,
      );
      cols.push({ field, target, col, expanded });
    }
    return {
      select,
      decode: (row) => {
        const out: Record<string, LinkedRef[]> = Object.fromEntries(fields.map((f) => [f.key, []]));
        for (const c of cols) {
          const v = row[c.col];
          const list = (typeof v === 'string' ? JSON.parse(v) : v) as unknown[] | null;
          if (!list) continue;
          out[c.field.key] = c.expanded
            ? (list as [string, unknown, boolean][]).map(([id, name, readable]) => this.ref(c.target, id, name, readable, true))
            : (list as string[]).map((id) => ({ id, readable: true }));
        }
        return out;
      },
    };
  }

  /**
   * The parts of a link read shared by `load` and `pageColumns`: the live targets (trashed
   * ones drop out), their order, and with `expand` the target's read scope (compiled with
   * the same compiler as every read) deciding `readable` and whether the primary value —
   * itself subject to the reader's field rights on the target — is shown.
   */
  private linkSelect(b: SqlBuilder, field: FieldMeta, target: TableMeta, expand?: LinkExpand): { name: string; readable: string; order: string[]; from: string; where: string } {
    const s = linkStorage(field);
    let name = 'NULL::jsonb';
    let readable = 'TRUE';
    if (expand) {
      const primary = target.fields.find((f) => f.id === target.primaryFieldId);
      const scope = expand.scope(target);
      readable = scope === undefined ? 'TRUE' : `COALESCE(${compileFilter(target, scope, { alias: 't', sql: b, ...this.ws.valueContext() })}, FALSE)`;
      if (primary && (expand.canRead?.(target, primary) ?? true)) name = `CASE WHEN ${readable} THEN ${slotJson('t', primary.slot)} END`;
    }
    return {
      name,
      readable,
      order: s.self === 'from_id' ? ['l.position', 'l.to_id'] : ['l.from_id'],
      from: `FROM record_link l
             JOIN record t ON t.workspace_id = l.workspace_id AND t.table_id = ${uuidLiteral(target.id)} AND t.id = l.${s.other} AND t.deleted_at IS NULL`,
      where: `l.workspace_id = ${b.param(this.ws.id, 'uuid')} AND l.field_id = ${uuidLiteral(s.fieldId)}`,
    };
  }

  private ref(target: TableMeta, id: string, name: unknown, readable: boolean, expanded: boolean): LinkedRef {
    const ref: LinkedRef = { id, readable: !!readable };
    const primary = target.fields.find((f) => f.id === target.primaryFieldId);
    if (expanded && readable && primary && name !== null && name !== undefined) ref.name = getFieldType(primary.type).toWire(name, primary);
    return ref;
  }

  /** Current live linked ids of one record (all of them, for diffs and writes). */
  async current(sql: Sql, recordId: string, field: FieldMeta): Promise<string[]> {
    const s = linkStorage(field);
    const target = this.schema.tableById(linkOptions(field).table);
    if (!target) return [];
    const rows = await sql.query<{ oid: string }>(
      `SELECT l.${s.other} AS oid FROM record_link l
         JOIN record t ON t.workspace_id = l.workspace_id AND t.table_id = ${uuidLiteral(target.id)} AND t.id = l.${s.other} AND t.deleted_at IS NULL
        WHERE l.workspace_id = $1 AND l.field_id = ${uuidLiteral(s.fieldId)} AND l.${s.self} = $2
        ORDER BY ${s.self === 'from_id' ? 'l.position, l.to_id' : 'l.from_id'}`,
      [this.ws.id, recordId],
    );
    return rows.map((r) => r.oid);
  }

  /**
   * Links of records just created (no links yet), for one field, in three statements
   * whatever the batch size. Returns the records of the field's table that lost a target
   * to them (the other side links to one record only): their computed fields follow.
   */
  async writeNew(sql: Sql, field: FieldMeta, pairs: [string, string[]][]): Promise<string[]> {
    const all = [...new Set(pairs.flatMap(([, ids]) => ids))];
    if (!all.length) return [];
    const s = linkStorage(field);
    const o = linkOptions(field);
    const single = this.singleOtherSide(field);
    if (single && all.length < pairs.reduce((n, [, ids]) => n + ids.length, 0)) {
      throw new DomainError('VALIDATION_FAILED', `Two records of the batch link to the same record through "${field.key}", which links to one record only from the other side`, {
        [field.key]: { code: 'SINGLE_LINK', message: `"${single.key}" of ${this.schema.tableById(o.table)!.key} links to one record only` },
      });
    }
    await this.checkTargets(sql, field, all);
    const fid = uuidLiteral(s.fieldId);
    let previous: string[] = [];
    if (single) previous = await this.takeTargets(sql, fid, s, all);
    const self: string[] = [];
    const other: string[] = [];
    const pos: number[] = [];
    for (const [rid, ids] of pairs) ids.forEach((id, i) => (self.push(rid), other.push(id), pos.push(i)));
    await sql.exec(
      `INSERT INTO record_link (workspace_id, field_id, ${s.self}, ${s.other}, position)
       SELECT $1, ${fid}, u.a, u.b, u.p FROM unnest($2::uuid[], $3::uuid[], $4::int[]) AS u(a, b, p)
       ON CONFLICT (workspace_id, field_id, from_id, to_id) DO UPDATE SET position = EXCLUDED.position`,
      [this.ws.id, self, other, pos],
    );
    return previous;
  }

  /** The other side's field when it links to one record only (a line's order), else undefined. */
  private singleOtherSide(field: FieldMeta): FieldMeta | undefined {
    const o = linkOptions(field);
    const pair = o.pair ? this.schema.tableById(o.table)?.fields.find((f) => f.id === o.pair) : undefined;
    return pair && linkOptions(pair).multiple === false ? pair : undefined;
  }

  /** The targets leave the records they linked to (the other side links to one record only); returns those records. */
  private async takeTargets(sql: Sql, fid: string, s: { self: string; other: string }, ids: string[]): Promise<string[]> {
    const gone = await sql.query<{ id: string }>(`DELETE FROM record_link WHERE workspace_id = $1 AND field_id = ${fid} AND ${s.other} = ANY($2::uuid[]) RETURNING ${s.self} AS id`, [this.ws.id, ids]);
    return [...new Set(gone.map((g) => g.id))];
  }

  /** The linked table, after checking that every id is a live record of it. */
  private async checkTargets(sql: Sql, field: FieldMeta, ids: string[]): Promise<TableMeta> {
    const target = this.schema.tableById(linkOptions(field).table);
    if (!target) throw new DomainError('VALIDATION_FAILED', `The table linked by "${field.key}" no longer exists`, { [field.key]: { code: 'LINK_TABLE_GONE', message: 'the linked table was deleted' } });
    if (!ids.length) return target;
    const found = await sql.query<{ id: string }>(
      `SELECT id FROM record WHERE workspace_id = $1 AND table_id = ${uuidLiteral(target.id)} AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
      [this.ws.id, ids],
    );
    const ok = new Set(found.map((r) => r.id));
    const missing = ids.filter((i) => !ok.has(i));
    if (missing.length) {
      throw new DomainError('VALIDATION_FAILED', `"${field.key}" links to records that do not exist or are in the trash`, {
        [field.key]: { code: 'LINK_NOT_FOUND', message: `not found in ${target.key}: ${missing.slice(0, 5).join(', ')}` },
      });
    }
    return target;
  }

  /**
   * Replaces a record's links through one field. Targets must exist and be live. Returns
   * the other records of the field's table that lost a target to it (as `writeNew`).
   */
  async write(sql: Sql, recordId: string, field: FieldMeta, ids: string[]): Promise<string[]> {
    await this.checkTargets(sql, field, ids);
    const s = linkStorage(field);
    const fid = uuidLiteral(s.fieldId);
    await sql.exec(`DELETE FROM record_link WHERE workspace_id = $1 AND field_id = ${fid} AND ${s.self} = $2`, [this.ws.id, recordId]);
    if (!ids.length) return [];
    // the other side links to one record only: the targets leave their previous record
    const previous = this.singleOtherSide(field) ? await this.takeTargets(sql, fid, s, ids) : [];
    await sql.exec(
      `INSERT INTO record_link (workspace_id, field_id, ${s.self}, ${s.other}, position)
       SELECT $1, ${fid}, $2, u.id, u.ord::int - 1 FROM unnest($3::uuid[]) WITH ORDINALITY AS u(id, ord)
       ON CONFLICT (workspace_id, field_id, from_id, to_id) DO UPDATE SET position = EXCLUDED.position`,
      [this.ws.id, recordId, ids],
    );
    return previous.filter((id) => id !== recordId);
  }

  /**
   * Everything a delete takes with it: the records of `table` to trash plus, through
   * cascade links, their dependants (per table). A restricting link to a live record
   * refuses the whole delete before anything moves.
   */
  async collectCascade(sql: Sql, table: TableMeta, ids: string[]): Promise<Map<string, Set<string>>> {
    await this.schema.fresh(sql);
    const all = this.schema.cachedList();
    const result = new Map<string, Set<string>>([[table.id, new Set(ids)]]);
    let frontier: [TableMeta, string[]][] = [[table, ids]];
    for (let depth = 0; frontier.length && depth < 50; depth++) {
      const next: [TableMeta, string[]][] = [];
      for (const [t, recIds] of frontier) {
        for (const holder of all) {
          for (const f of holder.fields) {
            if (f.type !== 'link' || linkOptions(f).table !== t.id) continue;
            const s = linkStorage(f);
            const rows = await sql.query<{ id: string }>(
              `SELECT DISTINCT l.${s.self} AS id FROM record_link l
                 JOIN record h ON h.workspace_id = l.workspace_id AND h.table_id = ${uuidLiteral(holder.id)} AND h.id = l.${s.self} AND h.deleted_at IS NULL
                WHERE l.workspace_id = $1 AND l.field_id = ${uuidLiteral(s.fieldId)} AND l.${s.other} = ANY($2::uuid[])`,
              [this.ws.id, recIds],
            );
            const seen = result.get(holder.id) ?? new Set<string>();
            const fresh = rows.map((r) => r.id).filter((id) => !seen.has(id));
            if (!fresh.length) continue;
            const mode = linkOptions(f).onDelete;
            if (mode === 'restrict') {
              throw new DomainError('DELETE_RESTRICTED', `Records of "${holder.label}" still link to this record through "${f.label}"; remove those links first`, {
                table: holder.key,
                field: f.key,
                count: fresh.length,
              });
            }
            if (mode === 'cascade') {
              for (const id of fresh) seen.add(id);
              result.set(holder.id, seen);
              next.push([holder, fresh]);
            }
          }
        }
      }
      frontier = next;
    }
    return result;
  }

  /** Removes a link field's rows (the field and its pair are being deleted). */
  async dropField(sql: Sql, field: FieldMeta): Promise<void> {
    await sql.exec(`DELETE FROM record_link WHERE workspace_id = $1 AND field_id = $2`, [this.ws.id, linkStorage(field).fieldId]);
  }

  get database(): Database {
    return this.db;
  }
}
