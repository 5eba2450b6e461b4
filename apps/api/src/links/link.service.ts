/**
 * Link values: read for a page of records within the page's own statement (scalar
 * subqueries per link field, `pageColumns`) or in one query per link field (never per
 * record, `load`), and followed on delete (restrict / cascade / unlink) within the
 * deleter's rights; written by link-write.service.ts. Trashed records drop out of every link
 * without their rows being touched, so a restore brings the links back.
 */
import { Injectable } from '@nestjs/common';
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
import { AccessService } from '../access/access.service.js';
import type { CurrentUser } from '../access/current-user.js';
import { SchemaService } from '../schema/schema.service.js';
import { joinRecord, RecordStore } from '../store/record-store.js';
import { scopeFilter, SYSTEM, type RightsScope } from '../store/row-scope.js';
import { WorkspaceService } from '../workspace/workspace.service.js';

/** How `expand` sees a linked table: its read scope for the reader and the fields they may read. */
export interface LinkExpand {
  scope(target: TableMeta): RightsScope;
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
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly access: AccessService,
    private readonly store: RecordStore,
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
  private linkSelect(
    b: SqlBuilder,
    field: FieldMeta,
    target: TableMeta,
    expand?: LinkExpand,
  ): { name: string; readable: string; order: string[]; from: string; where: string } {
    const s = linkStorage(field);
    let name = 'NULL::jsonb';
    let readable = 'TRUE';
    if (expand) {
      const primary = target.fields.find((f) => f.id === target.primaryFieldId);
      const scope = scopeFilter(expand.scope(target));
      readable =
        scope === undefined
          ? 'TRUE'
          : `COALESCE(${compileFilter(target, scope, { alias: 't', sql: b, ...this.ws.valueContext() })}, FALSE)`;
      if (primary && (expand.canRead?.(target, primary) ?? true)) name = `CASE WHEN ${readable} THEN ${slotJson('t', primary.slot)} END`;
    }
    return {
      name,
      readable,
      order: s.self === 'from_id' ? ['l.position', 'l.to_id'] : ['l.from_id'],
      from: `FROM record_link l
             ${joinRecord('t', target.id, s.other, SYSTEM, { live: true })}`,
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
    return (await this.values(sql, field, [recordId])).get(recordId)!;
  }

  /** The live linked ids of each record (all of them, in link order; [] for none). */
  async values(sql: Sql, field: FieldMeta, recordIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map(recordIds.map((id) => [id, [] as string[]]));
    const s = linkStorage(field);
    const target = this.schema.tableById(linkOptions(field).table);
    if (!target || !recordIds.length) return out;
    const rows = await sql.query<{ rid: string; oid: string }>(
      `SELECT l.${s.self} AS rid, l.${s.other} AS oid FROM record_link l
         ${joinRecord('t', target.id, s.other, SYSTEM, { live: true })}
        WHERE l.workspace_id = $1 AND l.field_id = ${uuidLiteral(s.fieldId)} AND l.${s.self} = ANY($2::uuid[])
        ORDER BY l.${s.self}, ${s.self === 'from_id' ? 'l.position, l.to_id' : 'l.from_id'}`,
      [this.ws.id, recordIds],
    );
    for (const r of rows) out.get(r.rid)?.push(r.oid);
    return out;
  }

  /**
   * Everything a delete takes with it: the records of `table` to trash plus, through
   * cascade links, their dependants (per table). Refused whole before anything moves when
   * a restricting link holds a live record (409: `count` counts only the records the user
   * may read, and names their table and field only if the user may read them) or when the
   * cascade reaches a record the user may not delete (403, naming no record). Unlink links
   * need nothing: the records on the other side lose a link to a record that is gone, as
   * with any delete.
   */
  async collectCascade(sql: Sql, user: CurrentUser, table: TableMeta, ids: string[]): Promise<Map<string, Set<string>>> {
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
                 ${joinRecord('h', holder.id, s.self, SYSTEM, { live: true })}
                WHERE l.workspace_id = $1 AND l.field_id = ${uuidLiteral(s.fieldId)} AND l.${s.other} = ANY($2::uuid[])`,
              [this.ws.id, recIds],
            );
            const seen = result.get(holder.id) ?? new Set<string>();
            const fresh = rows.map((r) => r.id).filter((id) => !seen.has(id));
            if (!fresh.length) continue;
            const mode = linkOptions(f).onDelete;
            const named = this.access.readableTable(user, holder)?.fields.some((x) => x.id === f.id);
            if (mode === 'restrict') {
              const count = named ? (await this.access.readableIds(sql, user, holder, fresh)).size : 0;
              throw new DomainError(
                'DELETE_RESTRICTED',
                named
                  ? `Records of "${holder.label}" still link to this record through "${f.label}"; remove those links first`
                  : 'Other records still link to this record; it cannot be deleted',
                named ? { table: holder.key, field: f.key, count } : { count },
              );
            }
            if (mode === 'cascade') {
              if ((await this.access.idsOutside(sql, user, holder, 'delete', fresh)).length) {
                throw new DomainError(
                  'FORBIDDEN',
                  named
                    ? `Deleting this record would also delete records of "${holder.label}" (through "${f.label}") that you may not delete; nothing was deleted`
                    : 'Deleting this record would also delete records you may not delete; nothing was deleted',
                  named ? { table: holder.key, field: f.key } : undefined,
                );
              }
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

  /**
   * A delete batch comes back whole or not at all: FORBIDDEN unless the user may restore
   * (delete) every record of it still in the trash, whoever deleted them.
   */
  async assertRestorable(sql: Sql, user: CurrentUser, batch: string): Promise<void> {
    const rows = await this.store.trashedInBatch(sql, batch, SYSTEM);
    const byTable = new Map<string, string[]>();
    for (const r of rows) byTable.set(r.table_id, [...(byTable.get(r.table_id) ?? []), r.id]);
    for (const [tableId, ids] of byTable) {
      const t = this.schema.tableById(tableId);
      if (t && (await this.access.idsOutside(sql, user, t, 'delete', ids)).length) {
        throw new DomainError('FORBIDDEN', 'This record was deleted together with records you may not restore; nothing was restored');
      }
    }
  }

  /** Removes a link field's rows (the field and its pair are being deleted). */
  async dropField(sql: Sql, field: FieldMeta): Promise<void> {
    await sql.exec(`DELETE FROM record_link WHERE workspace_id = $1 AND field_id = $2`, [this.ws.id, linkStorage(field).fieldId]);
  }
}
