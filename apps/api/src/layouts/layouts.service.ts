/** Card and table layouts and saved views of a table, stored with field ids. */
import { Inject, Injectable } from '@nestjs/common';
import { compileFilter, compileSort, DomainError, isUuid, SqlBuilder, uuidv7, type TableMeta } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import { SchemaService } from '../tables/schema.service.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { defaultCardSpec, defaultTableSpec, parseCardSpec, parseTableSpec, specToIds, specToKeys } from './layout-spec.js';

export interface ViewOut {
  id: string;
  name: string;
  filter: unknown;
  sort: string | null;
  columns: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

@Injectable()
export class LayoutsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
  ) {}

  async getLayout(tableRef: string, kind: 'card' | 'table'): Promise<{ kind: string; spec: unknown; saved: boolean }> {
    const table = await this.schema.table(tableRef);
    const [row] = await this.db.query<{ spec: unknown }>(`SELECT spec FROM layout WHERE workspace_id = $1 AND table_id = $2 AND kind = $3`, [this.ws.id, table.id, kind]);
    if (!row) return { kind, spec: kind === 'card' ? defaultCardSpec(table) : defaultTableSpec(table), saved: false };
    return { kind, spec: specToKeys(table, row.spec), saved: true };
  }

  async putLayout(tableRef: string, kind: 'card' | 'table', body: unknown): Promise<{ kind: string; spec: unknown; saved: boolean }> {
    const table = await this.schema.table(tableRef);
    if (!isPlainObject(body) || !('spec' in body)) throw new DomainError('VALIDATION_FAILED', 'Send {"spec": …}', { spec: { code: 'REQUIRED', message: 'spec is required' } });
    const spec = kind === 'card' ? parseCardSpec(table, body.spec) : parseTableSpec(table, body.spec);
    await this.db.exec(
      `INSERT INTO layout (workspace_id, table_id, kind, spec) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (workspace_id, table_id, kind) DO UPDATE SET spec = EXCLUDED.spec, updated_at = now()`,
      [this.ws.id, table.id, kind, JSON.stringify(specToIds(table, spec))],
    );
    return { kind, spec, saved: true };
  }

  async listViews(tableRef: string): Promise<{ items: ViewOut[] }> {
    const table = await this.schema.table(tableRef);
    const rows = await this.db.query<{ id: string; name: string; filter: unknown; sort: string | null; columns: unknown }>(
      `SELECT id, name, filter, sort, columns FROM saved_view WHERE workspace_id = $1 AND table_id = $2 ORDER BY created_at`,
      [this.ws.id, table.id],
    );
    return { items: rows.map((r) => this.viewOut(table, r)) };
  }

  async createView(tableRef: string, body: unknown, userId: string): Promise<ViewOut> {
    const table = await this.schema.table(tableRef);
    const v = this.parseView(table, body, 'create');
    const id = uuidv7();
    try {
      await this.db.exec(
        `INSERT INTO saved_view (workspace_id, id, table_id, name, filter, sort, columns, created_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8)`,
        [this.ws.id, id, table.id, v.name, json(specToIds(table, v.filter)), v.sort ? this.sortToIds(table, v.sort) : null, json(specToIds(table, v.columns)), userId],
      );
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw new DomainError('UNIQUE_VIOLATION', `A view named "${v.name}" already exists`, { name: v.name });
      throw e;
    }
    return { id, name: v.name, filter: v.filter ?? null, sort: v.sort ?? null, columns: v.columns ?? null };
  }

  /** A saved view is changed or deleted by whoever made it, or an administrator. */
  private async assertOwner(tableId: string, id: string, user: { id: string; isAdmin: boolean }): Promise<void> {
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', 'View not found');
    const [row] = await this.db.query<{ created_by: string | null }>(`SELECT created_by FROM saved_view WHERE workspace_id = $1 AND table_id = $2 AND id = $3`, [this.ws.id, tableId, id]);
    if (!row) throw new DomainError('NOT_FOUND', 'View not found');
    if (!user.isAdmin && row.created_by !== user.id) throw new DomainError('FORBIDDEN', 'Only the author of a view or an administrator may change it');
  }

  async updateView(tableRef: string, id: string, body: unknown, user: { id: string; isAdmin: boolean }): Promise<ViewOut> {
    const table = await this.schema.table(tableRef);
    await this.assertOwner(table.id, id, user);
    const current = (await this.listViews(table.id)).items.find((x) => x.id === id);
    if (!current || !isUuid(id)) throw new DomainError('NOT_FOUND', 'View not found');
    const v = this.parseView(table, { ...current, id: undefined, ...(isPlainObject(body) ? body : { bad: true }) }, 'update');
    try {
      await this.db.exec(`UPDATE saved_view SET name = $3, filter = $4::jsonb, sort = $5, columns = $6::jsonb WHERE workspace_id = $1 AND id = $2`, [
        this.ws.id,
        id,
        v.name,
        json(specToIds(table, v.filter)),
        v.sort ? this.sortToIds(table, v.sort) : null,
        json(specToIds(table, v.columns)),
      ]);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw new DomainError('UNIQUE_VIOLATION', `A view named "${v.name}" already exists`, { name: v.name });
      throw e;
    }
    return { id, name: v.name, filter: v.filter ?? null, sort: v.sort ?? null, columns: v.columns ?? null };
  }

  async deleteView(tableRef: string, id: string, user: { id: string; isAdmin: boolean }): Promise<void> {
    const table = await this.schema.table(tableRef);
    await this.assertOwner(table.id, id, user);
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', 'View not found');
    const n = await this.db.exec(`DELETE FROM saved_view WHERE workspace_id = $1 AND table_id = $2 AND id = $3`, [this.ws.id, table.id, id]);
    if (!n) throw new DomainError('NOT_FOUND', 'View not found');
  }

  private parseView(table: TableMeta, body: unknown, _mode: 'create' | 'update'): { name: string; filter?: unknown; sort?: string; columns?: unknown } {
    if (!isPlainObject(body)) throw new DomainError('VALIDATION_FAILED', 'Send {name, filter?, sort?, columns?}');
    for (const k of Object.keys(body)) {
      if (!['name', 'filter', 'sort', 'columns', 'id'].includes(k)) throw new DomainError('VALIDATION_FAILED', `Unexpected property "${k.slice(0, 40)}"`, { [k.slice(0, 40)]: { code: 'UNEXPECTED', message: 'not allowed here' } });
    }
    const name = body.name;
    if (typeof name !== 'string' || !name.trim() || name.length > 100) throw new DomainError('VALIDATION_FAILED', 'A view needs a name of at most 100 characters', { name: { code: 'INVALID_NAME', message: '1–100 characters' } });
    const ctx = { alias: 'r', sql: new SqlBuilder(), ...this.ws.valueContext() };
    if (body.filter !== undefined && body.filter !== null) compileFilter(table, body.filter, ctx);
    if (body.sort !== undefined && body.sort !== null) compileSort(table, body.sort, ctx);
    const columns = body.columns === undefined || body.columns === null ? undefined : parseTableSpec(table, { columns: body.columns }).columns;
    return { name: name.trim(), filter: body.filter ?? undefined, sort: (body.sort as string | undefined) ?? undefined, columns };
  }

  private sortToIds(table: TableMeta, sort: string): string {
    return sort
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const desc = p.startsWith('-');
        const key = p.replace(/^[-+]/, '');
        const f = table.fields.find((x) => x.key === key);
        return (desc ? '-' : '') + (f ? f.id : key);
      })
      .join(',');
  }

  private viewOut(table: TableMeta, r: { id: string; name: string; filter: unknown; sort: string | null; columns: unknown }): ViewOut {
    const sort = r.sort
      ? r.sort
          .split(',')
          .map((p) => {
            const desc = p.startsWith('-');
            const ref = p.replace(/^-/, '');
            const f = table.fields.find((x) => x.id === ref);
            return f ? (desc ? '-' : '') + f.key : isUuid(ref) ? null : p;
          })
          .filter((x): x is string => x !== null)
          .join(',') || null
      : null;
    return { id: r.id, name: r.name, filter: r.filter === null ? null : specToKeys(table, r.filter), sort, columns: r.columns === null ? null : specToKeys(table, r.columns) };
  }
}

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}
