/**
 * The gate every record path passes. A user's rules (checked against the workspace's
 * rights version with the session on every request, so a rights change applies to the
 * very next one) compile into one row scope
 * per table and action — a filter tree compiled by the same compiler as user filters —
 * and into the fields the user may read and write.
 *
 * - A table the user may not read at all is NOT_FOUND, as if it did not exist; a record
 *   outside the read scope is NOT_FOUND on every path. An action the user may not take on
 *   a table they can read is FORBIDDEN.
 * - The scope of a write action is read ∧ action, so a caller that only fetches through
 *   `scope` can never touch a record the user may not read or may not change.
 * - Writes are also checked in SQL, inside the write transaction, against the stored
 *   records and the records as they would become (`assertRowsAllowed`); one forbidden
 *   record refuses the whole batch.
 * - The records a write changes besides the one it names (the other side of a link, what a
 *   delete cascades to, a restored batch) are checked as stored (`idsOutside`), and a link
 *   target must be a record the user may read (`readableIds`); see ADR 0011.
 * - Schema, users, roles and settings need `manage settings` (or `manage all`).
 * See docs/adr/0006-rights-compilation.md and 0007-read-path-round-trips.md (the cache).
 */
import { Injectable } from '@nestjs/common';
import {
  bothScopes,
  subjectKey,
  canSubject,
  derivedFieldReader,
  DomainError,
  isDerived,
  imagesOutsideScope,
  tableRights,
  toCaslRules,
  type CaslRawRule,
  type FieldMeta,
  type RecordImage,
  type RuleUser,
  type TableMeta,
  type TableRights,
} from '@tabula/schema-engine';
import type { CurrentUser } from './current-user.js';
import type { Sql } from '../database/database.js';
import { SchemaService } from '../schema/schema.service.js';
import { RecordStore } from '../store/record-store.js';
import { rightsScope, SYSTEM, type RightsScope } from '../store/row-scope.js';
import { WorkspaceService } from '../workspace/workspace.service.js';

/** A record as it is or would be stored: what a write is checked against. */
export interface RowImage {
  id: string;
  data: Record<string, unknown>;
  owner_id: string | null;
}

export type RecordAction = 'read' | 'create' | 'update' | 'delete' | 'export';

export interface Access {
  /** The rows the user may take the action on: what every read of the record store for them passes. */
  scope: RightsScope;
  canRead(field: FieldMeta): boolean;
  canWrite(field: FieldMeta): boolean;
}

export function ruleUser(user: CurrentUser): RuleUser {
  return { id: user.id, attributes: user.attributes ?? {}, groups: [...(user.groups ?? []), ...(user.groupNames ?? [])] };
}

const iso = (v: Date | string | null | undefined) =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(v).toISOString();

@Injectable()
export class AccessService {
  constructor(
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly store: RecordStore,
  ) {}

  /**
   * Which fields of `table` the user may read: their field rules, and for a formula, lookup
   * or rollup also every field it reads, across links on fully readable tables
   * (rules/derived-read.ts).
   */
  private fieldReader(
    user: CurrentUser,
    table: TableMeta,
    read: { allowed: boolean; scope: unknown; field(id: string): boolean },
  ): (f: FieldMeta) => boolean {
    if (!table.fields.some(isDerived)) return (f) => read.field(f.id);
    return derivedFieldReader(
      table,
      (t) => (t.id === table.id ? read : this.rights(user, t, 'read')),
      (id) => (id === table.id ? table : this.schema.tableById(id)),
    );
  }

  /**
   * The access of a user to a table for an action: NOT_FOUND when the user may not read the
   * table at all, FORBIDDEN when they may read it but not take this action.
   */
  forTable(user: CurrentUser, table: TableMeta, action: RecordAction): Access {
    const read = this.rights(user, table, 'read');
    if (!read.allowed) throw new DomainError('NOT_FOUND', 'Table not found');
    const canRead = this.fieldReader(user, table, read);
    if (action === 'read') return { scope: rightsScope(read.scope), canRead, canWrite: () => false };
    const act = this.rights(user, table, action);
    if (!act.allowed) throw new DomainError('FORBIDDEN', `You may not ${action} records of "${table.key}"`);
    return { scope: rightsScope(bothScopes(read.scope, act.scope)), canRead, canWrite: (f) => act.field(f.id) };
  }

  /** The table with only the fields the user may read, or undefined when they may not read it. */
  readableTable(user: CurrentUser, table: TableMeta): TableMeta | undefined {
    const read = this.rights(user, table, 'read');
    if (!read.allowed) return undefined;
    const canRead = this.fieldReader(user, table, read);
    return { ...table, fields: table.fields.filter(canRead) };
  }

  /**
   * Checks records as they are stored and as they would become against the action's row
   * scope, in SQL through the same compiled scope as reads (never CASL in memory, which
   * would compare "100.00" and "9.99" as text). FORBIDDEN names nothing of other rows; a
   * batch with one forbidden row is refused whole. Call inside the write transaction,
   * after the stored rows are locked.
   * - create: the new records (owner, created_by = the user);
   * - update: the stored records and the records as they would become;
   * - delete (and restore): the stored records.
   */
  async assertRowsAllowed(sql: Sql, user: CurrentUser, table: TableMeta, action: RecordAction, rows: RowImage[]): Promise<void> {
    if (rows.length === 0) return;
    const ctx = this.ws.valueContext();
    const rights = this.rights(user, table, action);
    if (!rights.allowed) throw new DomainError('FORBIDDEN', `You may not ${action} records of "${table.key}"`);
    if (rights.scope === undefined) return;
    const now = new Date().toISOString();
    let images: RecordImage[];
    if (action === 'create') {
      images = rows.map((r) => ({
        id: r.id,
        data: r.data,
        owner_id: r.owner_id,
        created_by: user.id,
        updated_by: user.id,
        created_at: now,
        updated_at: now,
        version: 1,
      }));
    } else {
      // the stored rows are what is judged: read as they are, whoever may see them
      const stored = await this.store.images(
        sql,
        table,
        rows.map((r) => r.id),
        SYSTEM,
      );
      const byId = new Map(stored.map((s) => [s.id, s]));
      if (rows.some((r) => !byId.has(r.id))) throw new DomainError('NOT_FOUND', 'Record not found');
      images = stored.map((s) => ({ ...s, created_at: iso(s.created_at), updated_at: iso(s.updated_at) }));
      if (action === 'update') {
        for (const r of rows) {
          const s = byId.get(r.id)!;
          images.push({
            id: r.id,
            data: r.data,
            owner_id: r.owner_id,
            created_by: s.created_by,
            created_at: iso(s.created_at),
            updated_by: user.id,
            updated_at: now,
            version: s.version + 1,
          });
        }
      }
    }
    const check = imagesOutsideScope(table, rights.scope, images, ctx);
    const outside = await sql.query<{ id: string }>(check.text, check.values);
    if (outside.length) {
      throw new DomainError(
        'FORBIDDEN',
        rows.length > 1 ? `You may not ${action} one or more of these records; nothing was written` : `You may not ${action} this record`,
      );
    }
  }

  /**
   * Which of `ids` are live records of `table` within the user's read scope (none when they
   * may not read the table). A link target must be one of them: any other id answers as
   * one that does not exist.
   */
  async readableIds(sql: Sql, user: CurrentUser, table: TableMeta, ids: string[]): Promise<Set<string>> {
    const read = this.rights(user, table, 'read');
    if (!ids.length || !read.allowed) return new Set();
    return this.store.idsWithin(sql, table, ids, rightsScope(read.scope), { live: true });
  }

  /**
   * Which of `ids` (stored records of `table`, live or in the trash) the user may not take
   * `action` on: outside the read scope or the action's. For the records a write changes
   * besides the one it names (the other side of a link, what a delete cascades to, a
   * restored batch): their data does not change, so the stored record is the whole check,
   * made in SQL on the record table itself (also for rules on link fields).
   */
  async idsOutside(
    sql: Sql,
    user: CurrentUser,
    table: TableMeta,
    action: Exclude<RecordAction, 'read' | 'create'>,
    ids: string[],
  ): Promise<string[]> {
    if (!ids.length) return [];
    const read = this.rights(user, table, 'read');
    const act = this.rights(user, table, action);
    if (!read.allowed || !act.allowed) return [...ids];
    if (read.scope === undefined && act.scope === undefined) return [];
    const inside = await this.store.idsWithin(sql, table, ids, rightsScope(bothScopes(read.scope, act.scope)), { live: false });
    return ids.filter((id) => !inside.has(id));
  }

  /**
   * The user's rules compiled for a table and an action, memoised on the user's cached
   * profile (valid while the rights version holds; keyed by the table object, which a schema
   * reload replaces). Compiling reads no clock: the time zone is in the key for safety.
   */
  private rights(user: CurrentUser, table: TableMeta, action: string): TableRights {
    const ctx = this.ws.valueContext();
    const memo = user.compiled;
    if (!memo) return tableRights(user.rules ?? [], table, action, ruleUser(user), ctx);
    let byAction = memo.get(table);
    if (!byAction) memo.set(table, (byAction = new Map()));
    const key = `${action}\u0000${ctx.timeZone}`;
    let r = byAction.get(key) as TableRights | undefined;
    if (!r) byAction.set(key, (r = tableRights(user.rules ?? [], table, action, ruleUser(user), ctx)));
    return r;
  }

  /** Whether the user may take an action on a subject without rows (settings, reports, templates, menu:<item>). */
  can(user: CurrentUser, action: string, subject: string): boolean {
    return canSubject(user.rules ?? [], action, subject);
  }

  /** Schema, users, roles and settings: `manage settings` (or `manage all`). */
  requireAdmin(user: CurrentUser): void {
    if (!this.can(user, 'manage', 'settings')) throw new DomainError('FORBIDDEN', 'Only an administrator may change the configuration');
  }

  /**
   * The user's rules as CASL raw rules for the UI (tables and fields by key, placeholders
   * bound), cut to what the user may read: a rule about a table they cannot read, or the
   * keys of fields hidden from them, would name what every other answer keeps absent (a
   * "cannot read salary" rule told a Viewer that salary exists). The UI knows only readable
   * tables and fields, so nothing it decides changes.
   */
  caslRules(user: CurrentUser, tables: readonly TableMeta[]): CaslRawRule[] {
    const visible = new Map<string, Set<string>>();
    for (const t of tables) {
      const r = this.readableTable(user, t);
      if (r) visible.set(subjectKey(t), new Set(r.fields.map((f) => f.key)));
    }
    const hiddenTables = new Set(tables.map(subjectKey).filter((k) => !visible.has(k)));
    const out: CaslRawRule[] = [];
    for (const rule of toCaslRules(user.rules ?? [], tables, ruleUser(user), this.ws.valueContext())) {
      const subject = String(rule.subject);
      if (hiddenTables.has(subject)) continue;
      const readable = visible.get(subject);
      if (readable && rule.fields) {
        const fields = rule.fields.filter((k) => readable.has(k));
        if (!fields.length) continue;
        out.push({ ...rule, fields });
      } else out.push(rule);
    }
    return out;
  }
}
