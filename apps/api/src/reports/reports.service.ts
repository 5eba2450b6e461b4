/**
 * Pivots and aggregates over a table's records (packages/report-builder): the same WHERE as
 * a list — rights scope, filter, quick search — so a report sees exactly the records the
 * reader could list, and only fields they may read can be grouped or aggregated.
 */
import { Inject, Injectable } from '@nestjs/common';
import { parsePivotSpec, shapePivot, type PivotResult } from '@tabula/report-builder';
import { DomainError } from '@tabula/schema-engine';
import { AccessService } from '../access/access.service.js';
import type { CurrentUser } from '../access/current-user.js';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import { SchemaService } from '../schema/schema.service.js';
import { RecordStore } from '../store/record-store.js';

@Injectable()
export class ReportsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly schema: SchemaService,
    private readonly access: AccessService,
    private readonly store: RecordStore,
  ) {}

  async pivot(user: CurrentUser, tableRef: string, body: unknown): Promise<PivotResult> {
    const table = await this.schema.table(tableRef);
    const acc = this.access.forTable(user, table, 'read');
    const spec = parsePivotSpec(table, body, acc.canRead);
    const q = this.store.pivotQuery(table, spec, acc.scope, { canRead: acc.canRead });
    return shapePivot(spec, await this.db.query(q.text, q.values));
  }

  /** `{filter, q, aggregates:[{field, fn}]}` → `{count, values:[…]}` over every matching record. */
  /** `body`: an object (the input layer's AggregateBody). */
  async aggregate(user: CurrentUser, tableRef: string, body: Record<string, unknown>): Promise<{ count: number; values: unknown[] }> {
    const { aggregates, ...rest } = body;
    if (aggregates !== undefined && (!Array.isArray(aggregates) || aggregates.length === 0)) {
      throw new DomainError('VALIDATION_FAILED', 'aggregates must be a non-empty list of {field, fn}', {
        aggregates: { code: 'INVALID_AGGREGATE', message: 'a list of {field, fn}' },
      });
    }
    const r = await this.pivot(user, tableRef, { ...rest, values: [{ fn: 'count' }, ...((aggregates as unknown[]) ?? [])] });
    const [count, ...values] = r.total;
    return { count: count as number, values };
  }
}
