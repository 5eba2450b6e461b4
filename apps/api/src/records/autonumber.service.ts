/**
 * Autonumbers. Gaps allowed (default): a block of numbers is taken in its own short
 * transaction before the write, so concurrent writers never wait on each other (a failed
 * write leaves a gap). Gapless (invoices): the block is taken inside the writing
 * transaction as its first lock, before the rows are inserted, so each row is written
 * once with its number and a rolled-back write gives its numbers back. Creates of one
 * gapless field therefore run one after the other (the counter row stays locked until
 * commit); taking it first, before any row is inserted, means a writer waiting for the
 * counter holds no lock another writer could wait for (a unique value, a parent). A batch
 * takes one block per period, periods in a fixed order.
 */
import { Inject, Injectable } from '@nestjs/common';
import { autonumberPeriod, formatAutonumber, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { RecordStore } from '../store/record-store.js';
import { SYSTEM } from '../store/row-scope.js';
import { WorkspaceService } from '../workspace/workspace.service.js';

interface AutoOpts {
  format: string;
  gapless: boolean;
  dateField?: string;
}

export interface NumberedRow {
  id: string;
  data: Record<string, unknown>;
}

@Injectable()
export class AutonumberService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly store: RecordStore,
  ) {}

  fields(table: TableMeta, gapless?: boolean): FieldMeta[] {
    return table.fields.filter(
      (f) => f.type === 'autonumber' && (gapless === undefined || !!(f.options as unknown as AutoOpts).gapless === gapless),
    );
  }

  /** Numbers for the gaps-allowed fields, taken before the write's transaction. */
  async reserve(table: TableMeta, rows: NumberedRow[]): Promise<void> {
    const fields = this.fields(table, false);
    if (!fields.length || !rows.length) return;
    await this.db.tx(async (sql) => {
      for (const f of fields) await this.number(sql, table, f, rows);
    });
  }

  /**
   * Numbers for the gapless fields, into the rows' data: call inside the writing
   * transaction before anything else is locked or written, then insert the rows.
   */
  async numberGapless(sql: Sql, table: TableMeta, rows: NumberedRow[]): Promise<void> {
    const fields = this.fields(table, true);
    if (!fields.length || !rows.length) return;
    for (const f of fields) await this.number(sql, table, f, rows);
  }

  /** Numbers the records that exist when an autonumber field is added, in creation order. */
  async backfill(sql: Sql, table: TableMeta, field: FieldMeta): Promise<void> {
    const rows = await this.store.liveByCreation(sql, table, SYSTEM);
    if (!rows.length) return;
    const numbered = rows.map((r) => ({ id: r.id, data: { ...r.data }, created: r.created }));
    await this.number(sql, table, field, numbered, (r) => (r as { created?: string }).created);
    for (let i = 0; i < numbered.length; i += 2000) {
      const patch = numbered.slice(i, i + 2000).map((r) => ({ id: r.id, data: { [field.slot]: r.data[field.slot] } }));
      await this.store.mergeData(sql, table, patch, { stripNulls: false });
    }
  }

  private async number(
    sql: Sql,
    table: TableMeta,
    field: FieldMeta,
    rows: NumberedRow[],
    fallbackDate?: (r: NumberedRow) => string | undefined,
  ): Promise<void> {
    const o = field.options as unknown as AutoOpts;
    const dateField = o.dateField ? table.fields.find((f) => f.key === o.dateField || f.id === o.dateField) : undefined;
    const today = this.ws.valueContext().today();
    const byPeriod = new Map<string, { row: NumberedRow; date: string }[]>();
    for (const row of rows) {
      const raw = dateField ? row.data[dateField.slot] : undefined;
      const date = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}/.test(raw) ? raw.slice(0, 10) : (fallbackDate?.(row) ?? today);
      const period = autonumberPeriod(o.format, date);
      const list = byPeriod.get(period) ?? [];
      list.push({ row, date });
      byPeriod.set(period, list);
    }
    // counter rows locked in one order (period), so two batches spanning the same periods cannot deadlock
    for (const period of [...byPeriod.keys()].sort()) {
      const list = byPeriod.get(period)!;
      const [r] = await sql.query<{ value: string }>(
        `INSERT INTO autonumber_counter (workspace_id, field_id, period, value) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id, field_id, period) DO UPDATE SET value = autonumber_counter.value + EXCLUDED.value
         RETURNING value::text AS value`,
        [this.ws.id, field.id, period, list.length],
      );
      let n = Number(r!.value) - list.length;
      for (const { row, date } of list) {
        n++;
        row.data[field.slot] = { t: formatAutonumber(o.format, n, date), n, p: period };
      }
    }
  }
}
