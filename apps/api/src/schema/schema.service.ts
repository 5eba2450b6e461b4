/**
 * The schema cache: tables and fields of the workspace, loaded once and reloaded when
 * `workspace.schema_version` moves (another process, or this one, changed the schema).
 * Every request that uses the schema checks the version first, so API processes can run
 * side by side.
 *
 * The cache is on the ground floor of the API (apps/api/src/README.md): it imports nothing
 * of the features above it (a formula's display form comes from the formula bridge in
 * packages/formula).
 */
import { Inject, Injectable } from '@nestjs/common';
import { displayExpression } from '@tabula/formula';
import { derivedKind, DomainError, isUuid, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { WorkspaceService } from '../workspace/workspace.service.js';

interface TableRow {
  id: string;
  key: string;
  label: string;
  primary_field_id: string | null;
  position: number;
}
interface FieldRow {
  id: string;
  table_id: string;
  key: string;
  label: string;
  type: string;
  slot: string;
  options: Record<string, unknown>;
  required: boolean;
  is_unique: boolean;
  default_value: unknown;
  searchable: boolean;
  position: number;
}

@Injectable()
export class SchemaService {
  private version = -1n;
  private tables = new Map<string, TableMeta>();
  private loading: Promise<void> | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
  ) {}

  /**
   * Reloads when the stored schema version differs from the cached one. `seen` is a version
   * the request already read (with its session, AuthService): a cache at least that new is
   * current for the request and costs no statement.
   */
  async fresh(sql: Sql = this.db, seen?: bigint): Promise<void> {
    if (seen !== undefined && seen <= this.version) return;
    const [row] = await sql.query<{ v: string }>(`SELECT schema_version::text AS v FROM workspace WHERE id = $1`, [this.ws.id]);
    const v = BigInt(row?.v ?? '0');
    if (v === this.version) return;
    if (!this.loading) {
      this.loading = this.load(sql, v).finally(() => (this.loading = undefined));
    }
    await this.loading;
  }

  private async load(sql: Sql, v: bigint): Promise<void> {
    const tables = await sql.query<TableRow>(
      `SELECT id, key, label, primary_field_id, position FROM meta_table WHERE workspace_id = $1 ORDER BY position, created_at`,
      [this.ws.id],
    );
    const fields = await sql.query<FieldRow>(
      `SELECT id, table_id, key, label, type, slot, options, required, is_unique, default_value, searchable, position FROM meta_field WHERE workspace_id = $1 ORDER BY position, created_at`,
      [this.ws.id],
    );
    const map = new Map<string, TableMeta>();
    for (const t of tables) {
      map.set(t.id, {
        id: t.id,
        workspaceId: this.ws.id,
        key: t.key,
        label: t.label,
        primaryFieldId: t.primary_field_id,
        position: t.position,
        fields: [],
      });
    }
    for (const f of fields) {
      const field: FieldMeta = {
        id: f.id,
        tableId: f.table_id,
        key: f.key,
        label: f.label,
        type: f.type,
        slot: f.slot,
        options: f.options ?? {},
        required: f.required,
        unique: f.is_unique,
        defaultValue: f.default_value ?? null,
        searchable: f.searchable,
        position: f.position,
      };
      map.get(f.table_id)?.fields.push(field);
    }
    // formulas are stored by field id: their display form follows renames
    for (const t of map.values()) {
      for (const f of t.fields) {
        if (derivedKind(f) !== 'formula' || typeof f.options.stored !== 'string') continue;
        const shown = displayExpression(f, t, (id) => map.get(id));
        if (shown !== undefined) f.options = { ...f.options, expression: shown };
      }
    }
    this.tables = map;
    this.version = v;
  }

  /**
   * Inside a write transaction: holds the schema still (a type change's switch takes the
   * row for update) and refuses the write if the schema moved since the request decoded
   * its input with the cached one, so no value lands in a slot being switched away.
   */
  async assertUnchanged(sql: Sql, version: bigint): Promise<void> {
    const [row] = await sql.query<{ v: string }>(`SELECT schema_version::text AS v FROM workspace WHERE id = $1 FOR SHARE`, [this.ws.id]);
    if (BigInt(row?.v ?? '0') !== version) {
      throw new DomainError('CONFLICT', 'The table’s design changed while this change was being made; please send it again', {
        retry: true,
      });
    }
  }

  /** Marks the schema changed; call inside the transaction that changes it. */
  async bump(sql: Sql): Promise<void> {
    await sql.exec(`UPDATE workspace SET schema_version = schema_version + 1 WHERE id = $1`, [this.ws.id]);
  }

  /** The schema version the cache holds (plans built from it are valid while it holds). */
  get currentVersion(): bigint {
    return this.version;
  }

  /** The cached tables, no freshness check: for use inside a transaction after fresh(sql). */
  cachedList(): TableMeta[] {
    return [...this.tables.values()].sort((a, b) => a.position - b.position);
  }

  async list(seen?: bigint): Promise<TableMeta[]> {
    await this.fresh(undefined, seen);
    return [...this.tables.values()].sort((a, b) => a.position - b.position);
  }

  /** A table by id or key; NOT_FOUND otherwise. */
  async table(ref: string, sql?: Sql, seen?: bigint): Promise<TableMeta> {
    await this.fresh(sql, seen);
    const t = this.find(ref);
    if (!t) throw new DomainError('NOT_FOUND', 'Table not found');
    return t;
  }

  find(ref: string): TableMeta | undefined {
    if (isUuid(ref)) {
      const t = this.tables.get(ref.toLowerCase());
      if (t) return t;
    }
    for (const t of this.tables.values()) if (t.key === ref) return t;
    return undefined;
  }

  tableById(id: string): TableMeta | undefined {
    return this.tables.get(id);
  }

  field(table: TableMeta, ref: string): FieldMeta {
    const f = table.fields.find((x) => x.key === ref || x.id === ref);
    if (!f) throw new DomainError('NOT_FOUND', `Field "${String(ref).slice(0, 80)}" not found in "${table.key}"`);
    return f;
  }
}
