/**
 * Per-partition indexes for what is actually sorted, filtered and searched. Requests note
 * the fields they sort and filter on; a field that is used repeatedly (or is the primary
 * field, or searchable) becomes a wanted index; a background poller builds wanted indexes
 * one at a time, outside request transactions. At most MAX_PER_TABLE per table.
 *
 * Sort/filter indexes are `(expr, id) WHERE deleted_at IS NULL` so they serve ORDER BY
 * expr, id and keyset paging; search indexes are trigram GIN on the field's text; select
 * fields also get expression statistics (grouping plans hash instead of sorting).
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { getFieldType, slotText, SqlBuilder, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import { APP_CONFIG, DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import type { AppConfig } from '../config.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { partitionName } from '../tables/partition.js';

export const MAX_PER_TABLE = 8;
const USES_TO_WANT = 3;

type Reason = 'primary' | 'sort' | 'filter' | 'search' | 'group';

@Injectable()
export class IndexAdvisor implements OnApplicationShutdown {
  private readonly logger = new Logger('indexes');
  private readonly uses = new Map<string, number>();
  /** Rows written per table since its last ANALYZE (PGlite runs no autovacuum). */
  private readonly writes = new Map<string, number>();
  private linkWrites = 0;
  private timer: NodeJS.Timeout | undefined;
  private analyzer: NodeJS.Timeout | undefined;
  private analyzing: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ws: WorkspaceService,
  ) {}

  start(intervalMs = 1000): void {
    if (!this.config.jobs || this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running && !this.stopped) this.running = this.buildWanted().then(() => undefined, (e) => this.logger.error(e)).finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
    // statistics on their own timer: an index build (seconds on a big table) must not delay them
    this.analyzer = setInterval(() => {
      if (!this.analyzing && !this.stopped) this.analyzing = this.analyzeWritten().catch((e) => this.logger.error(e)).finally(() => (this.analyzing = undefined));
    }, intervalMs);
    this.analyzer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.analyzer) clearInterval(this.analyzer);
    await this.running;
    await this.analyzing;
  }

  indexName(table: TableMeta, field: FieldMeta, kind: 'btree' | 'trgm' | 'stats'): string {
    return `${partitionName(table.id)}_${kind === 'btree' ? 'i' : kind === 'trgm' ? 't' : 's'}_${field.slot}`;
  }

  /** Notes that a list sorted or filtered on these fields; repeated use makes an index wanted. */
  noteUse(table: TableMeta, fields: FieldMeta[], reason: 'sort' | 'filter'): void {
    for (const f of fields) {
      const k = `${table.id}:${f.id}`;
      const n = (this.uses.get(k) ?? 0) + 1;
      this.uses.set(k, n);
      if (n === USES_TO_WANT) void this.want(table, f, reason).catch((e) => this.logger.error(e));
    }
  }

  async want(table: TableMeta, field: FieldMeta, reason: Reason): Promise<void> {
    const def = getFieldType(field.type);
    const part = partitionName(table.id);
    const rows: { name: string; kind: string; definition: string }[] = [];
    if (reason === 'search') {
      if (!def.searchable) return;
      rows.push({ name: this.indexName(table, field, 'trgm'), kind: 'trgm', definition: `CREATE INDEX IF NOT EXISTS ${this.indexName(table, field, 'trgm')} ON ${part} USING gin ((${slotText('', field.slot)}) gin_trgm_ops) WHERE deleted_at IS NULL` });
    } else if (reason === 'group') {
      rows.push({ name: this.indexName(table, field, 'stats'), kind: 'stats', definition: `CREATE STATISTICS IF NOT EXISTS ${this.indexName(table, field, 'stats')} ON (${def.sqlExpr(field, '')}) FROM ${part}` });
    } else {
      if (!def.sortable && def.sqlKind === 'jsonb') return;
      // the index must carry the very expression the queries use: the sort expression when
      // it is a plain expression (long text sorts by a prefix), else the filter expression
      const probe = new SqlBuilder();
      const sortExpr = reason === 'filter' ? undefined : def.sortExpr?.(field, '', probe);
      const expr = sortExpr && probe.values.length === 0 ? sortExpr : def.sqlExpr(field, '');
      rows.push({ name: this.indexName(table, field, 'btree'), kind: 'btree', definition: `CREATE INDEX IF NOT EXISTS ${this.indexName(table, field, 'btree')} ON ${part} ((${expr}), id) WHERE deleted_at IS NULL` });
      if (field.type === 'select') rows.push({ name: this.indexName(table, field, 'stats'), kind: 'stats', definition: `CREATE STATISTICS IF NOT EXISTS ${this.indexName(table, field, 'stats')} ON (${def.sqlExpr(field, '')}) FROM ${part}` });
    }
    for (const r of rows) {
      await this.db.exec(
        `INSERT INTO record_index (workspace_id, table_id, name, kind, definition, reason)
         SELECT $1, $2, $3, $4, $5, $6
          WHERE (SELECT count(*) FROM record_index WHERE workspace_id = $1 AND table_id = $2 AND kind <> 'stats') < $7 OR $4 = 'stats'
         ON CONFLICT (workspace_id, table_id, name) DO NOTHING`,
        [this.ws.id, table.id, r.name, r.kind, r.definition, reason, MAX_PER_TABLE],
      );
    }
  }

  async forget(sql: Sql, table: TableMeta, field: FieldMeta): Promise<void> {
    for (const kind of ['btree', 'trgm'] as const) await sql.exec(`DROP INDEX IF EXISTS ${this.indexName(table, field, kind)}`);
    await sql.exec(`DROP STATISTICS IF EXISTS ${this.indexName(table, field, 'stats')}`);
    await sql.exec(`DELETE FROM record_index WHERE workspace_id = $1 AND table_id = $2 AND name LIKE $3`, [this.ws.id, table.id, `${partitionName(table.id)}_%_${field.slot}`]);
  }

  /**
   * Notes rows written. PGlite has no autovacuum, so without this a partition is never
   * analyzed and the planner, believing it empty, picks nested loops over sequential
   * scans; on a server autovacuum does the same job and this only makes it sooner.
   */
  noteWrites(table: TableMeta, rows: number, links = 0): void {
    this.writes.set(table.id, (this.writes.get(table.id) ?? 0) + rows);
    this.linkWrites += links;
  }

  private async analyzeWritten(): Promise<void> {
    for (const [tableId, n] of [...this.writes]) {
      if (n < 200) continue;
      this.writes.delete(tableId);
      await this.db.exec(`ANALYZE ${partitionName(tableId)}`).catch(() => undefined);
    }
    if (this.linkWrites >= 200) {
      this.linkWrites = 0;
      await this.db.exec(`ANALYZE record_link`).catch(() => undefined);
    }
  }

  /** Builds every wanted index, one at a time. Returns the number built. */
  async buildWanted(): Promise<number> {
    let built = 0;
    for (;;) {
      if (this.stopped) return built;
      const [row] = await this.db.query<{ table_id: string; name: string; definition: string; kind: string }>(
        `SELECT table_id, name, definition, kind FROM record_index WHERE workspace_id = $1 AND state = 'wanted' ORDER BY created_at LIMIT 1`,
        [this.ws.id],
      );
      if (!row) return built;
      try {
        // CONCURRENTLY keeps writers going on a server; PGlite has one session anyway.
        const ddl = this.db.kind === 'postgres' && row.kind !== 'stats' ? row.definition.replace('CREATE INDEX IF NOT EXISTS', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS') : row.definition;
        await this.db.exec(ddl);
        if (row.kind === 'stats') await this.db.exec(`ANALYZE ${partitionName(row.table_id)}`);
        await this.db.exec(`UPDATE record_index SET state = 'built', built_at = now() WHERE workspace_id = $1 AND table_id = $2 AND name = $3`, [this.ws.id, row.table_id, row.name]);
        built++;
      } catch (e) {
        const code = (e as { code?: string }).code;
        // the partition is gone (table deleted) or the definition is stale: drop the wish
        this.logger.warn(`index ${row.name} not built: ${(e as Error).message}`);
        await this.db.exec(`UPDATE record_index SET state = 'failed' WHERE workspace_id = $1 AND table_id = $2 AND name = $3`, [this.ws.id, row.table_id, row.name]);
        if (code === undefined) throw e;
      }
    }
  }
}
