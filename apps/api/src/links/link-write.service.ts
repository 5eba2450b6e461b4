/**
 * Writing link values through the rights gate, on both sides. A link is one row seen from
 * two records, so writing one record's link field changes other records too:
 * - each record linked or unlinked gains or loses a value in its paired field;
 * - where that paired field links to one record only (an invoice's client), linking the
 *   record takes it away from the record it linked to, whose value changes as well.
 *
 * The rule is that a change made through the other side is allowed exactly when the same
 * change made directly on each record it touches would be: a new target must be a live
 * record the writer may read (any other id answers as one that does not exist, 400
 * LINK_NOT_FOUND, so existence does not leak), and every other record whose link value
 * changes must be one the writer may update, its paired field included (403 FORBIDDEN,
 * naming none of them). A record whose single link is changed from the other side (the
 * invoice moved to another client) gets a new version and a history row, as if written
 * directly, so a stale write to it conflicts; a record whose list merely grows or shrinks
 * (the client's invoices) is not versioned: that change is in the history of the record
 * written, and recording it on the list would repeat the whole list at every link.
 * See docs/adr/0011-links-and-cascades-within-rights.md.
 */
import { Injectable } from '@nestjs/common';
import { DomainError, isDomainError, linkOptions, linkStorage, uuidLiteral, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import { AccessService } from '../access/access.service.js';
import type { CurrentUser } from '../access/current-user.js';
import type { Sql } from '../database/database.js';
import { SchemaService } from '../schema/schema.service.js';
import { AuditLog } from '../store/audit-log.js';
import { joinRecord, RecordStore } from '../store/record-store.js';
import { SYSTEM } from '../store/row-scope.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { LinkService } from './link.service.js';

/** Records of one table whose value of one link field a write changes as a side effect, with their values before it. */
interface Moved {
  table: TableMeta;
  field: FieldMeta;
  before: Map<string, string[]>;
}

@Injectable()
export class LinkWriteService {
  constructor(
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly access: AccessService,
    private readonly links: LinkService,
    private readonly store: RecordStore,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Links of records just created (no links yet), for one field, in a few statements
   * whatever the batch size. Returns the records of the field's table that lost a target
   * to them (the other side links to one record only): their computed fields follow.
   */
  async writeNew(sql: Sql, user: CurrentUser, field: FieldMeta, pairs: [string, string[]][]): Promise<string[]> {
    const all = [...new Set(pairs.flatMap(([, ids]) => ids))];
    if (!all.length) return [];
    const s = linkStorage(field);
    const single = this.singleOtherSide(field);
    if (single && all.length < pairs.reduce((n, [, ids]) => n + ids.length, 0)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Two records of the batch link to the same record through "${field.key}", which links to one record only from the other side`,
        {
          [field.key]: {
            code: 'SINGLE_LINK',
            message: `"${single.key}" of ${this.schema.tableById(linkOptions(field).table)!.key} links to one record only`,
          },
        },
      );
    }
    const plan = await this.prepare(
      sql,
      user,
      field,
      pairs.map(([id]) => id),
      all,
      [],
    );
    const self: string[] = [];
    const other: string[] = [];
    const pos: number[] = [];
    for (const [rid, ids] of pairs) ids.forEach((id, i) => (self.push(rid), other.push(id), pos.push(i)));
    await sql.exec(
      `INSERT INTO record_link (workspace_id, field_id, ${s.self}, ${s.other}, position)
       SELECT $1, ${uuidLiteral(s.fieldId)}, u.a, u.b, u.p FROM unnest($2::uuid[], $3::uuid[], $4::int[]) AS u(a, b, p)
       ON CONFLICT (workspace_id, field_id, from_id, to_id) DO UPDATE SET position = EXCLUDED.position`,
      [this.ws.id, self, other, pos],
    );
    await this.recordMoves(sql, user, plan.moved);
    return plan.losers;
  }

  /**
   * Replaces a record's links through one field (`before`: its live links now). Returns the
   * other records of the field's table that lost a target to it (as `writeNew`).
   */
  async write(sql: Sql, user: CurrentUser, recordId: string, field: FieldMeta, before: string[], ids: string[]): Promise<string[]> {
    const plan = await this.prepare(
      sql,
      user,
      field,
      [recordId],
      ids.filter((id) => !before.includes(id)),
      before.filter((id) => !ids.includes(id)),
    );
    const s = linkStorage(field);
    const fid = uuidLiteral(s.fieldId);
    await sql.exec(`DELETE FROM record_link WHERE workspace_id = $1 AND field_id = ${fid} AND ${s.self} = $2`, [this.ws.id, recordId]);
    if (ids.length) {
      await sql.exec(
        `INSERT INTO record_link (workspace_id, field_id, ${s.self}, ${s.other}, position)
         SELECT $1, ${fid}, $2, u.id, u.ord::int - 1 FROM unnest($3::uuid[]) WITH ORDINALITY AS u(id, ord)
         ON CONFLICT (workspace_id, field_id, from_id, to_id) DO UPDATE SET position = EXCLUDED.position`,
        [this.ws.id, recordId, ids],
      );
    }
    await this.recordMoves(sql, user, plan.moved);
    return plan.losers;
  }

  /**
   * Everything before the written records' own link rows change: the new targets are
   * readable; every other record whose link value changes may be updated by the writer;
   * the targets leave the records they linked to (when the other side links to one record
   * only: the losers); and the values of the records whose single link changes are noted
   * for their history.
   */
  private async prepare(
    sql: Sql,
    user: CurrentUser,
    field: FieldMeta,
    writers: string[],
    added: string[],
    removed: string[],
  ): Promise<{ moved: Moved[]; losers: string[] }> {
    const table = this.schema.tableById(field.tableId)!;
    const target = await this.checkTargets(sql, user, field, added);
    const pair = this.pairOf(field, target);
    const moved: Moved[] = [];
    if (pair) {
      const mine = target.id === table.id ? new Set(writers) : new Set<string>();
      const others = [...added, ...removed].filter((id) => !mine.has(id));
      await this.assertMayUpdate(
        sql,
        user,
        target,
        pair,
        others,
        `Linking changes "${pair.key}" of records of "${target.key}" that you may not change; nothing was written`,
      );
      if (linkOptions(pair).multiple === false && others.length)
        moved.push({ table: target, field: pair, before: await this.links.values(sql, pair, others) });
    }
    if (!pair || linkOptions(pair).multiple !== false || !added.length) return { moved, losers: [] };
    const s = linkStorage(field);
    const fid = uuidLiteral(s.fieldId);
    const held = await sql.query<{ id: string; live: boolean }>(
      `SELECT DISTINCT l.${s.self} AS id, h.deleted_at IS NULL AS live FROM record_link l
         ${joinRecord('h', table.id, s.self, SYSTEM, { live: false })}
        WHERE l.workspace_id = $1 AND l.field_id = ${fid} AND l.${s.other} = ANY($2::uuid[]) AND l.${s.self} <> ALL($3::uuid[])`,
      [this.ws.id, added, writers],
    );
    if (!held.length) return { moved, losers: [] };
    // a holder in the trash loses a link that only a restore would have brought back: like
    // the other side of a delete, that needs no right on it (and it is not versioned)
    const losers = held.filter((h) => h.live).map((h) => h.id);
    await this.assertMayUpdate(
      sql,
      user,
      table,
      field,
      losers,
      `"${field.key}" would take records away from records of "${table.key}" that you may not change; nothing was written`,
    );
    if (linkOptions(field).multiple === false && losers.length)
      moved.push({ table, field, before: await this.links.values(sql, field, losers) });
    await sql.exec(
      `DELETE FROM record_link WHERE workspace_id = $1 AND field_id = ${fid} AND ${s.other} = ANY($2::uuid[]) AND ${s.self} <> ALL($3::uuid[])`,
      [this.ws.id, added, writers],
    );
    return { moved, losers };
  }

  /** The linked table, after checking that every id is a live record of it that the user may read. */
  private async checkTargets(sql: Sql, user: CurrentUser, field: FieldMeta, ids: string[]): Promise<TableMeta> {
    const target = this.schema.tableById(linkOptions(field).table);
    if (!target)
      throw new DomainError('VALIDATION_FAILED', `The table linked by "${field.key}" no longer exists`, {
        [field.key]: { code: 'LINK_TABLE_GONE', message: 'the linked table was deleted' },
      });
    if (!ids.length) return target;
    const ok = await this.access.readableIds(sql, user, target, ids);
    const missing = ids.filter((i) => !ok.has(i));
    if (missing.length) {
      throw new DomainError('VALIDATION_FAILED', `"${field.key}" links to records that do not exist or are in the trash`, {
        [field.key]: { code: 'LINK_NOT_FOUND', message: `not found in ${target.key}: ${missing.slice(0, 5).join(', ')}` },
      });
    }
    return target;
  }

  /** The field's pair on the linked table (its other side), if it has one. */
  private pairOf(field: FieldMeta, target: TableMeta): FieldMeta | undefined {
    const o = linkOptions(field);
    return o.pair ? target.fields.find((f) => f.id === o.pair) : undefined;
  }

  /** The other side's field when it links to one record only (a line's order), else undefined. */
  private singleOtherSide(field: FieldMeta): FieldMeta | undefined {
    const target = this.schema.tableById(linkOptions(field).table);
    const pair = target && this.pairOf(field, target);
    return pair && linkOptions(pair).multiple === false ? pair : undefined;
  }

  /** FORBIDDEN unless the user may update every one of `ids` (records of `table`) and write `field` there. */
  private async assertMayUpdate(
    sql: Sql,
    user: CurrentUser,
    table: TableMeta,
    field: FieldMeta,
    ids: string[],
    message: string,
  ): Promise<void> {
    if (!ids.length) return;
    let writable: boolean;
    try {
      writable = this.access.forTable(user, table, 'update').canWrite(field);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      writable = false;
    }
    if (!writable || (await this.access.idsOutside(sql, user, table, 'update', ids)).length) throw new DomainError('FORBIDDEN', message);
  }

  /** A new version and a history row (old → new value) for each record whose single link the write changed. */
  private async recordMoves(sql: Sql, user: CurrentUser, moved: Moved[]): Promise<void> {
    for (const m of moved) {
      const ids = [...m.before.keys()];
      const after = await this.links.values(sql, m.field, ids);
      const changed = ids.filter((id) => JSON.stringify(m.before.get(id)) !== JSON.stringify(after.get(id)));
      if (!changed.length) continue;
      const bumped = await this.store.bumpVersions(sql, m.table, changed, user.id);
      await this.audit.recordChanges(
        sql,
        m.table.id,
        user.id,
        bumped.map((b) => ({ recordId: b.id, version: b.version, diff: { [m.field.slot]: [m.before.get(b.id), after.get(b.id)] } })),
      );
    }
  }
}
