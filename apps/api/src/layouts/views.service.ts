/**
 * Saved views of a table: a name, a filter, a sort and columns, stored with field ids.
 *
 * - A view is personal — its author's alone: only they see, change and delete it — or
 *   shared: seen by everyone who may read the table, and created, changed, shared, taken
 *   back and deleted only by a user who may manage settings. A view sent without `shared`
 *   is shared when its author may manage settings (as every view was before views could be
 *   personal) and personal otherwise.
 * - Every answer is cut to what the reader may read (the table from
 *   AccessService.readableTable): a view whose filter names a field they may not read does
 *   not exist for them — showing it would show the field and the value, and dropping the
 *   clause would change which records it selects; sort keys and columns on such fields
 *   are left out.
 * - A view is saved against the table as its author may read it, through the same filter
 *   and sort compilers as a list request, so a field they may not read is the 400
 *   UNKNOWN_FIELD of a field that does not exist.
 * - A view the user does not see is NOT_FOUND on every verb, as is every view of a table
 *   they may not read (the controller checks the table first).
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  compileFilter,
  compileSort,
  DomainError,
  isUuid,
  resolveField,
  SqlBuilder,
  uuidv7,
  type FieldMeta,
  type TableMeta,
} from '@tabula/schema-engine';
import { parseName } from '../access/rights-admin.js';
import { isPlainObject } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { parseTableSpec, specToIds, specToKeys } from './layout-spec.js';

export interface ViewOut {
  id: string;
  name: string;
  filter: unknown;
  sort: string | null;
  columns: unknown;
  shared: boolean;
}

/** Who asks: their id, whether they may manage settings, and the table as they may read it. */
export interface ViewUser {
  id: string;
  mayShare: boolean;
  readable: TableMeta;
}

/** As stored: field ids where the wire has keys. */
interface ViewRow extends ViewOut {
  created_by: string | null;
}

const VIEW_KEYS = ['name', 'filter', 'sort', 'columns', 'shared'];
const COLUMNS = 'id, name, filter, sort, columns, shared, created_by';

@Injectable()
export class ViewsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
  ) {}

  /** The shared views as stored (the configuration document), or the views `user` sees, cut to what they may read. */
  async list(table: TableMeta, user?: ViewUser): Promise<{ items: ViewOut[] }> {
    const rows = await this.db.query<ViewRow>(
      `SELECT ${COLUMNS} FROM saved_view WHERE workspace_id = $1 AND table_id = $2 AND (shared OR created_by = $3) ORDER BY created_at, id`,
      [this.ws.id, table.id, user?.id ?? null],
    );
    return { items: rows.map((r) => viewOut(table, r, user?.readable ?? table)).filter((v): v is ViewOut => v !== null) };
  }

  async create(table: TableMeta, body: unknown, user: ViewUser): Promise<ViewOut> {
    const v = this.parse(table, body, user, true);
    const shared = v.shared ?? user.mayShare;
    if (shared && !user.mayShare) throw forbidden();
    const row: ViewRow = {
      id: uuidv7(),
      name: v.name!,
      filter: v.filter ?? null,
      sort: v.sort ?? null,
      columns: v.columns ?? null,
      shared,
      created_by: user.id,
    };
    await this.write(table, row, 'insert');
    return viewOut(table, row, user.readable)!;
  }

  /** Changes what the body names and keeps the rest as stored; a shared view taken back becomes the taker's own. */
  async update(table: TableMeta, id: string, body: unknown, user: ViewUser): Promise<ViewOut> {
    const current = await this.visible(table, id, user);
    const v = this.parse(table, body, user, false);
    if ((current.shared || v.shared) && !user.mayShare) throw forbidden();
    const row: ViewRow = {
      ...current,
      ...v,
      ...(v.shared === false && current.shared ? { created_by: user.id } : {}),
    };
    await this.write(table, row, 'update');
    return viewOut(table, row, user.readable)!;
  }

  async remove(table: TableMeta, id: string, user: ViewUser): Promise<void> {
    const current = await this.visible(table, id, user);
    if (current.shared && !user.mayShare) throw forbidden();
    await this.db.exec(`DELETE FROM saved_view WHERE workspace_id = $1 AND table_id = $2 AND id = $3`, [this.ws.id, table.id, current.id]);
  }

  /** The stored view, when `user` sees it at all (listed for them, filter readable); NOT_FOUND otherwise. */
  private async visible(table: TableMeta, id: string, user: ViewUser): Promise<ViewRow> {
    if (!isUuid(id)) throw notFound();
    const [row] = await this.db.query<ViewRow>(
      `SELECT ${COLUMNS} FROM saved_view WHERE workspace_id = $1 AND table_id = $2 AND id = $3 AND (shared OR created_by = $4)`,
      [this.ws.id, table.id, id.toLowerCase(), user.id],
    );
    if (!row || !viewOut(table, row, user.readable)) throw notFound();
    return row;
  }

  /**
   * The parts of a view the body names, checked against the fields `user` may read and
   * turned into stored form (field ids). `name` is required on create.
   */
  private parse(
    table: TableMeta,
    body: unknown,
    user: ViewUser,
    create: boolean,
  ): Partial<Pick<ViewRow, 'name' | 'filter' | 'sort' | 'columns' | 'shared'>> {
    if (!isPlainObject(body)) throw new DomainError('VALIDATION_FAILED', 'Send {name, filter?, sort?, columns?, shared?}');
    for (const k of Object.keys(body)) {
      if (!VIEW_KEYS.includes(k))
        throw new DomainError('VALIDATION_FAILED', `Unexpected property "${k.slice(0, 40)}"`, {
          [k.slice(0, 40)]: { code: 'UNEXPECTED', message: 'not allowed here' },
        });
    }
    const readable = new Set(user.readable.fields.map((f) => f.id));
    const canRead = (f: FieldMeta) => readable.has(f.id);
    const ctx = { alias: 'r', sql: new SqlBuilder(), ...this.ws.valueContext(), canRead };
    const out: Partial<Pick<ViewRow, 'name' | 'filter' | 'sort' | 'columns' | 'shared'>> = {};
    if (create || body.name !== undefined) out.name = parseName(body.name, 'name', 100);
    if (body.filter !== undefined) {
      if (body.filter !== null) compileFilter(table, body.filter, ctx);
      // jsonb cannot hold U+0000: refused here rather than failing in the database
      if (JSON.stringify(body.filter ?? null).includes('\\u0000'))
        throw new DomainError('INVALID_FILTER', 'A filter may not contain the character U+0000');
      out.filter = body.filter === null ? null : specToIds(table, body.filter);
    }
    if (body.sort !== undefined) {
      if (body.sort !== null) compileSort(table, body.sort, ctx);
      out.sort = typeof body.sort === 'string' && body.sort.trim() ? sortToIds(table, body.sort) : null;
    }
    if (body.columns !== undefined) {
      // a column on a field the author may not read is the same UNKNOWN_FIELD as in a filter
      if (Array.isArray(body.columns)) for (const c of body.columns) if (isPlainObject(c)) resolveField(table, c.field, ctx);
      out.columns = body.columns === null ? null : specToIds(table, parseTableSpec(table, { columns: body.columns }).columns);
    }
    if (body.shared !== undefined) {
      if (typeof body.shared !== 'boolean')
        throw new DomainError('VALIDATION_FAILED', 'shared is true or false', {
          shared: { code: 'NOT_A_BOOLEAN', message: 'true or false' },
        });
      out.shared = body.shared;
    }
    return out;
  }

  /** Stores a view; a name taken in its scope (the shared views, or the author's own) is a 409. */
  private async write(table: TableMeta, row: ViewRow, how: 'insert' | 'update'): Promise<void> {
    let n: number;
    const text =
      how === 'insert'
        ? `INSERT INTO saved_view (workspace_id, id, table_id, name, filter, sort, columns, shared, created_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9)`
        : `UPDATE saved_view SET name = $4, filter = $5::jsonb, sort = $6, columns = $7::jsonb, shared = $8, created_by = $9 WHERE workspace_id = $1 AND id = $2 AND table_id = $3`;
    try {
      n = await this.db.exec(text, [
        this.ws.id,
        row.id,
        table.id,
        row.name,
        json(row.filter),
        row.sort,
        json(row.columns),
        row.shared,
        row.created_by,
      ]);
    } catch (e) {
      if ((e as { code?: string }).code === '23505')
        throw new DomainError('UNIQUE_VIOLATION', `A view named "${row.name}" already exists`, { name: row.name });
      throw e;
    }
    // deleted since it was read
    if (n === 0) throw notFound();
  }
}

/**
 * A stored view on the wire, as someone who may read the fields of `readable` sees it:
 * null when its filter names a field they may not read; sort keys and columns on such
 * fields left out. References to deleted fields drop out as before; system columns stay.
 */
function viewOut(table: TableMeta, r: ViewRow, readable: TableMeta): ViewOut | null {
  const readableIds = new Set(readable.fields.map((f) => f.id));
  const hidden = (ref: string) => table.fields.some((f) => f.id === ref) && !readableIds.has(ref);
  if (r.filter !== null && filterRefs(r.filter).some(hidden)) return null;
  const sort = (r.sort ?? '')
    .split(',')
    .filter((p) => p && !hidden(p.replace(/^-/, '')))
    .map((p) => {
      const desc = p.startsWith('-');
      const ref = p.replace(/^-/, '');
      const f = table.fields.find((x) => x.id === ref);
      return f ? (desc ? '-' : '') + f.key : isUuid(ref) ? null : p;
    })
    .filter((x): x is string => x !== null)
    .join(',');
  const columns = Array.isArray(r.columns)
    ? specToKeys(
        table,
        (r.columns as { field?: unknown }[]).filter((c) => !hidden(String(c?.field))),
      )
    : null;
  return {
    id: r.id,
    name: r.name,
    filter: r.filter === null ? null : specToKeys(table, r.filter),
    sort: sort || null,
    columns,
    shared: r.shared,
  };
}

/** Every field a stored filter tree names (ids, or system column keys). */
function filterRefs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(filterRefs);
  if (!isPlainObject(node)) return [];
  if (typeof node.field === 'string') return [node.field];
  return [...filterRefs(node.and), ...filterRefs(node.or), ...filterRefs(node.not)];
}

function sortToIds(table: TableMeta, sort: string): string {
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

const notFound = () => new DomainError('NOT_FOUND', 'View not found');
const forbidden = () =>
  new DomainError('FORBIDDEN', 'Only a user who may manage settings may share a view, or change or delete a shared one');

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}
