/**
 * Per-partition indexes for what is actually sorted, filtered and searched. Requests note
 * the shape of their list (equality filters, other filters, first sort key and its
 * direction); a shape that is used repeatedly (or the primary field, or a searchable field)
 * becomes a wanted index; a background poller builds wanted indexes one at a time, outside
 * request transactions, and ANALYZEs the partition once its wishes are built. At most
 * MAX_PER_TABLE indexes per table.
 *
 * Order indexes carry the very ORDER BY of the list, direction included, so that the
 * planner walks them and stops after the page: `(expr, id)` for an ascending sort,
 * `(expr DESC NULLS LAST, id DESC NULLS LAST)` for a descending one (NULLs last both ways,
 * the id tie-breaker following the first key, see the sort compiler). A list that filters
 * some fields for equality and sorts gets one composite index `(eq exprs…, sort expr, id)`:
 * it serves the filter, the order and the count of the page. All are partial
 * (`WHERE deleted_at IS NULL`); the planner has no statistics on the expressions of a
 * partial index, so every indexed, filtered, searched or grouped field also gets
 * expression statistics (`CREATE STATISTICS … ON (expr), … FROM partition`). Search
 * indexes are trigram GIN on the field's text, the very expression quick search reads.
 */
import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  filterIndexExpr,
  getFieldType,
  listUsage,
  slotText,
  sortIndexExpr,
  statisticsExprs,
  type FieldMeta,
  type TableMeta,
} from '@tabula/schema-engine';
import { APP_CONFIG, DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import type { AppConfig } from '../common/config.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { partitionName } from '../schema/partition.js';

export const MAX_PER_TABLE = 8;
const USES_TO_WANT = 3;

type Reason = 'primary' | 'sort' | 'filter' | 'search' | 'group';

interface Wish {
  name: string;
  kind: 'btree' | 'trgm' | 'stats';
  definition: string;
  reason: string;
}

/** Rows written before a relation is analyzed again: ANALYZE_MIN_ROWS + ANALYZE_SCALE × its rows. */
const ANALYZE_MIN_ROWS = 200;
const ANALYZE_SCALE = 0.2;

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
      if (!this.running && !this.stopped)
        this.running = this.buildWantedAlone()
          .then(
            () => undefined,
            (e) => this.logger.error(e),
          )
          .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
    // statistics on their own timer: an index build (seconds on a big table) must not delay them
    this.analyzer = setInterval(() => {
      if (!this.analyzing && !this.stopped)
        this.analyzing = this.analyzeWritten()
          .catch((e) => this.logger.error(e))
          .finally(() => (this.analyzing = undefined));
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

  indexName(table: TableMeta, field: FieldMeta, kind: 'btree' | 'trgm' | 'stats' | 'desc'): string {
    const letter = { btree: 'i', trgm: 't', stats: 's', desc: 'd' }[kind];
    return `${partitionName(table.id)}_${letter}_${field.slot}`;
  }

  /** Notes that a list sorted or filtered on these fields; repeated use makes an index wanted. */
  noteUse(table: TableMeta, fields: FieldMeta[], reason: 'sort' | 'filter'): void {
    for (const f of fields) this.count(`${table.id}:${reason}:${f.id}`, () => this.want(table, f, reason));
  }

  /**
   * Notes the shape of a list request (its parameters already accepted by buildListQuery):
   * the order index it would use (composite when the filter has equality conditions) and a
   * single-field index for each other filtered field the order index does not cover.
   */
  noteList(table: TableMeta, params: { filter?: unknown; sort?: unknown }): void {
    try {
      const u = listUsage(table, params);
      const covered = new Set<string>();
      if (u.order && (u.order.field || u.eq.length)) {
        const { field, desc } = u.order;
        for (const f of u.eq) covered.add(f.id);
        if (field) covered.add(field.id);
        const key = `${table.id}:order:${u.eq.map((f) => f.slot).join('+')}:${field?.slot ?? 'id'}:${desc ? 'desc' : 'asc'}`;
        this.count(key, () => this.wantOrder(table, u.eq, field, desc, field ? 'sort' : 'filter'));
      }
      for (const f of u.filtered) if (!covered.has(f.id)) this.count(`${table.id}:filter:${f.id}`, () => this.want(table, f, 'filter'));
    } catch (e) {
      this.logger.warn(`usage not noted: ${(e as Error).message}`);
    }
  }

  private count(key: string, then: () => Promise<void>): void {
    const n = (this.uses.get(key) ?? 0) + 1;
    this.uses.set(key, n);
    if (n === USES_TO_WANT) void then().catch((e) => this.logger.error(e));
  }

  async want(table: TableMeta, field: FieldMeta, reason: Reason): Promise<void> {
    const def = getFieldType(field.type);
    const part = partitionName(table.id);
    const wishes: Wish[] = [];
    if (reason === 'search') {
      if (!def.searchable) return;
      // the very expression searchCondition reads (`(data->>'fN') ILIKE $n`)
      const name = this.indexName(table, field, 'trgm');
      wishes.push({
        name,
        kind: 'trgm',
        reason,
        definition: `CREATE INDEX IF NOT EXISTS ${name} ON ${part} USING gin ((${slotText('', field.slot)}) gin_trgm_ops) WHERE deleted_at IS NULL`,
      });
    } else if (reason === 'filter') {
      const expr = filterIndexExpr(field, '');
      if (!expr) return;
      const name = this.indexName(table, field, 'btree');
      wishes.push({
        name,
        kind: 'btree',
        reason,
        definition: `CREATE INDEX IF NOT EXISTS ${name} ON ${part} ((${expr}), id) WHERE deleted_at IS NULL`,
      });
    } else if (reason !== 'group') {
      // the index must carry the very expression the queries use: the sort expression when
      // it is a plain expression (long text sorts by a prefix), else the filter expression
      const expr = sortIndexExpr(field, '') ?? filterIndexExpr(field, '');
      if (!expr) return;
      const name = this.indexName(table, field, 'btree');
      wishes.push({
        name,
        kind: 'btree',
        reason,
        definition: `CREATE INDEX IF NOT EXISTS ${name} ON ${part} ((${expr}), id) WHERE deleted_at IS NULL`,
      });
    }
    const stats = this.statsWish(table, field, reason);
    if (stats) wishes.push(stats);
    await this.insertWishes(table, wishes);
  }

  /**
   * An index in the order a list uses: the equality-filtered fields first (in slot order),
   * then the first sort key (absent when the list is ordered by id), then id, the last two
   * in the list's direction with NULLs last.
   */
  async wantOrder(
    table: TableMeta,
    eq: FieldMeta[],
    field: FieldMeta | undefined,
    desc: boolean,
    reason: 'sort' | 'filter' = 'sort',
  ): Promise<void> {
    const part = partitionName(table.id);
    const dir = desc ? ' DESC NULLS LAST' : '';
    const cols: string[] = [];
    for (const f of eq) {
      const e = filterIndexExpr(f, '');
      if (!e) return;
      cols.push(`(${e})`);
    }
    if (field) {
      const e = sortIndexExpr(field, '');
      if (!e) return;
      cols.push(`(${e})${dir}`);
    }
    cols.push(`id${dir}`);
    if (cols.length > 1 + 1 + 3) return; // more than three equality fields: too specific to index
    const name =
      eq.length === 0 && field
        ? this.indexName(table, field, desc ? 'desc' : 'btree')
        : eq.length === 1 && !field && !desc
          ? this.indexName(table, eq[0]!, 'btree')
          : `${part}_c_${createHash('sha256').update(cols.join(', ')).digest('hex').slice(0, 12)}`;
    const wishes: Wish[] = [
      {
        name,
        kind: 'btree',
        reason,
        definition: `CREATE INDEX IF NOT EXISTS ${name} ON ${part} (${cols.join(', ')}) WHERE deleted_at IS NULL`,
      },
    ];
    for (const f of [...eq, ...(field ? [field] : [])]) {
      const s = this.statsWish(table, f, reason);
      if (s) wishes.push(s);
    }
    await this.insertWishes(table, wishes);
  }

  /** Expression statistics of a field (one object per field, every expression the queries use on it). */
  private statsWish(table: TableMeta, field: FieldMeta, reason: Reason): Wish | undefined {
    const exprs = statisticsExprs(field, '');
    if (!exprs.length) return undefined;
    const name = this.indexName(table, field, 'stats');
    return {
      name,
      kind: 'stats',
      reason,
      definition: `CREATE STATISTICS IF NOT EXISTS ${name} ON ${exprs.map((e) => `(${e})`).join(', ')} FROM ${partitionName(table.id)}`,
    };
  }

  private async insertWishes(table: TableMeta, wishes: Wish[]): Promise<void> {
    for (const r of wishes) {
      await this.db.exec(
        `INSERT INTO record_index (workspace_id, table_id, name, kind, definition, reason)
         SELECT $1, $2, $3, $4, $5, $6
          WHERE (SELECT count(*) FROM record_index WHERE workspace_id = $1 AND table_id = $2 AND kind <> 'stats') < $7 OR $4 = 'stats'
         ON CONFLICT (workspace_id, table_id, name) DO NOTHING`,
        [this.ws.id, table.id, r.name, r.kind, r.definition, r.reason, MAX_PER_TABLE],
      );
    }
  }

  /** Drops every index and statistics object that reads the field (composites included). */
  async forget(sql: Sql, table: TableMeta, field: FieldMeta): Promise<void> {
    const rows = await sql.query<{ name: string; kind: string }>(
      `SELECT name, kind FROM record_index WHERE workspace_id = $1 AND table_id = $2 AND (name LIKE $3 OR strpos(definition, $4) > 0)`,
      [this.ws.id, table.id, `${partitionName(table.id)}_%_${field.slot}`, `'${field.slot}'`],
    );
    const names = new Set(rows.filter((r) => r.kind !== 'stats').map((r) => r.name));
    for (const kind of ['btree', 'trgm', 'desc'] as const) names.add(this.indexName(table, field, kind));
    for (const name of names) await sql.exec(`DROP INDEX IF EXISTS ${name}`);
    await sql.exec(`DROP STATISTICS IF EXISTS ${this.indexName(table, field, 'stats')}`);
    await sql.exec(`DELETE FROM record_index WHERE workspace_id = $1 AND table_id = $2 AND (name LIKE $3 OR strpos(definition, $4) > 0)`, [
      this.ws.id,
      table.id,
      `${partitionName(table.id)}_%_${field.slot}`,
      `'${field.slot}'`,
    ]);
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

  /**
   * ANALYZEs a relation once the rows written since its last ANALYZE pass 200 + 20 % of
   * the rows it had then (autovacuum's rule, a little less eager): a fresh partition is
   * analyzed soon, a big one every fifth of its size — not every second of an import
   * (on PGlite, where nothing else analyzes, that ANALYZE was the import's largest cost).
   */
  async analyzeWritten(): Promise<void> {
    for (const [tableId, n] of [...this.writes]) {
      const relation = partitionName(tableId);
      if (!(await this.analyzeDue(relation, n))) continue;
      this.writes.delete(tableId);
      await this.analyze(relation);
    }
    if (await this.analyzeDue('record_link', this.linkWrites)) {
      this.linkWrites = 0;
      await this.analyze('record_link');
    }
  }

  /** Rows each relation had at its last ANALYZE by this process (`reltuples`). */
  private readonly analyzedRows = new Map<string, number>();

  private async analyzeDue(relation: string, written: number): Promise<boolean> {
    if (written < ANALYZE_MIN_ROWS) return false;
    let rows = this.analyzedRows.get(relation);
    if (rows === undefined) {
      rows = await this.reltuples(relation);
      this.analyzedRows.set(relation, rows);
    }
    return written >= ANALYZE_MIN_ROWS + ANALYZE_SCALE * rows;
  }

  private async analyze(relation: string): Promise<void> {
    await this.db.exec(`ANALYZE ${relation}`).catch(() => undefined);
    this.analyzedRows.set(relation, await this.reltuples(relation));
  }

  private async reltuples(relation: string): Promise<number> {
    const [row] = await this.db
      .query<{ n: number }>(`SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = to_regclass($1)`, [relation])
      .catch(() => []);
    return Number(row?.n ?? 0);
  }

  /**
   * The background builder: one process at a time per workspace (several API processes on
   * one server — TABULA_WORKERS, or several hosts — would otherwise pick the same wish and
   * race on its CREATE INDEX, one of them marking a built index failed). The others skip
   * the tick. Returns the number built, or undefined when another process is building.
   */
  async buildWantedAlone(): Promise<number | undefined> {
    const [any] = await this.db.query(`SELECT 1 FROM record_index WHERE workspace_id = $1 AND state = 'wanted' LIMIT 1`, [this.ws.id]);
    if (!any) return 0;
    return (await this.db.exclusive(`tabula:index-builder:${this.ws.id}`, () => this.buildWanted()))?.value;
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
        const ddl =
          this.db.kind === 'postgres' && row.kind !== 'stats'
            ? row.definition.replace('CREATE INDEX IF NOT EXISTS', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS')
            : row.definition;
        await this.db.exec(ddl);
        await this.db.exec(
          `UPDATE record_index SET state = 'built', built_at = now() WHERE workspace_id = $1 AND table_id = $2 AND name = $3`,
          [this.ws.id, row.table_id, row.name],
        );
        built++;
        // statistics for the new expressions (and fresh ones for the planner's choice
        // between the new index and the others) once the table's last wish is built
        const [more] = await this.db.query(
          `SELECT 1 FROM record_index WHERE workspace_id = $1 AND table_id = $2 AND state = 'wanted' LIMIT 1`,
          [this.ws.id, row.table_id],
        );
        if (!more)
          await this.db
            .exec(`ANALYZE ${partitionName(row.table_id)}`)
            .catch((e) => this.logger.warn(`ANALYZE after ${row.name}: ${(e as Error).message}`));
      } catch (e) {
        const code = (e as { code?: string }).code;
        // the partition is gone (table deleted) or the definition is stale: drop the wish
        this.logger.warn(`index ${row.name} not built: ${(e as Error).message}`);
        await this.db.exec(`UPDATE record_index SET state = 'failed' WHERE workspace_id = $1 AND table_id = $2 AND name = $3`, [
          this.ws.id,
          row.table_id,
          row.name,
        ]);
        if (code === undefined) throw e;
      }
    }
  }
}
