/**
 * `POST /api/formula/preview`: a formula's value on one record, nothing stored, computed
 * from exactly what the reader may see (issue 12) — the preview is a read path like any other.
 *
 * - The expression is compiled against the reader's view of the schema: the fields they may
 *   read on the table and on every linked table (AccessService.readableTable, which also
 *   hides a formula, lookup or rollup that reads what they may not). A hidden field is then
 *   an unknown name, and an unknown name answers as in a filter: 400 UNKNOWN_FIELD, the same
 *   for a hidden field and one that does not exist (no "did you mean" naming either).
 * - The record is read within the reader's scope (NOT_FOUND outside it), and only its
 *   readable fields enter the evaluation.
 * - An aggregate over a link counts only the linked records within the reader's read scope
 *   on the target, compiled to SQL like every read; a linked table the reader may not read
 *   has no fields and no records for them.
 * Exchange rates (CONVERT) are workspace settings, the same for every reader.
 */
import { Inject, Injectable } from '@nestjs/common';
import { compileFormula, formulaSchema, type CompiledFormula, type FormulaErrorDetails } from '@tabula/formula';
import { DomainError, linkOptions, type TableMeta } from '@tabula/schema-engine';
import { AccessService } from '../access/access.service.js';
import type { CurrentUser } from '../access/current-user.js';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import { SchemaService } from '../schema/schema.service.js';
import { RecordStore } from '../store/record-store.js';
import { NO_ROWS, scopeFilter } from '../store/row-scope.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import type { AggSpec } from './computed-plan.js';
import { aggregateValues } from './computed-sql.js';
import { wireById } from './computed-values.js';
import { RatesService } from './rates.service.js';

@Injectable()
export class FormulaPreviewService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly access: AccessService,
    private readonly store: RecordStore,
    private readonly rates: RatesService,
  ) {}

  /** The value of `expression` on record `recordId` of `tableKey` (or on a blank record), as `user` sees it. */
  async preview(user: CurrentUser, tableKey: string, expression: string, recordId: unknown): Promise<unknown> {
    const full = await this.schema.table(tableKey);
    const acc = this.access.forTable(user, full, 'read');
    let row: { id: string; data: Record<string, unknown> } | undefined;
    if (recordId !== undefined) {
      row = typeof recordId === 'string' ? await this.store.fetch(this.db, full, recordId, acc.scope) : undefined;
      if (!row) throw new DomainError('NOT_FOUND', 'Record not found');
    }
    const table: TableMeta = { ...full, fields: full.fields.filter((f) => acc.canRead(f)) };
    const compiled = this.compile(user, table, expression);
    const ctx = this.ws.valueContext();
    const aggregates: Record<string, unknown> = {};
    if (row) {
      const specs = this.aggregates(user, table, compiled);
      const values = await aggregateValues(this.db, this.ws.id, specs, [row.id], ctx);
      for (const s of specs) aggregates[s.key] = values.get(s.key)?.get(row.id) ?? null;
    }
    const rate = /CONVERT\s*\(/i.test(expression) ? this.rates.fn(await this.rates.all(this.db)) : () => null;
    return compiled.evaluate({ values: wireById(table.fields, row?.data ?? {}), aggregates, rate, today: ctx.today, now: ctx.now });
  }

  /** Compiles against the reader's view; an unknown name (hidden or absent alike) is UNKNOWN_FIELD, as in a filter. */
  private compile(user: CurrentUser, table: TableMeta, expression: string): CompiledFormula {
    const linked = (id: string): TableMeta | undefined => {
      const t = this.schema.tableById(id);
      return t && (this.access.readableTable(user, t) ?? { ...t, fields: [] });
    };
    try {
      return compileFormula(expression, formulaSchema(table, linked));
    } catch (e) {
      const name =
        e instanceof DomainError && e.code === 'FORMULA_ERROR' ? (e.details as FormulaErrorDetails | undefined)?.unknownField : undefined;
      if (name === undefined) throw e;
      throw new DomainError('UNKNOWN_FIELD', `Unknown field ${JSON.stringify(name.slice(0, 80))}`, { field: name.slice(0, 80) });
    }
  }

  /** The formula's aggregates over links, each limited to the reader's read scope on the linked table. */
  private aggregates(user: CurrentUser, table: TableMeta, compiled: CompiledFormula): AggSpec[] {
    const specs: AggSpec[] = [];
    for (const a of compiled.aggregates) {
      const link = table.fields.find((f) => f.id === a.linkFieldId);
      const target = link && this.schema.tableById(linkOptions(link).table);
      if (!link || !target) continue;
      const field = a.fieldId ? (target.fields.find((f) => f.id === a.fieldId) ?? null) : null;
      const scope = scopeFilter(this.access.readableTable(user, target) ? this.access.forTable(user, target, 'read').scope : NO_ROWS);
      specs.push({ key: a.key, link, target, field, fn: a.fn, scope });
    }
    return specs;
  }
}
