/**
 * The computed engine: formula, lookup and rollup values are stored in `data` on every
 * write, inside the writing transaction, so they filter, sort and report in SQL and are
 * current when the request returns (docs/adr/0005-computed-fields.md).
 *
 * What the folders above use, and all they use:
 * - `begin(sql, table, kind)`: one write's conversation with the engine (computed-write.ts);
 * - `evaluateVolatile`: TODAY and NOW, evaluated when records are read;
 * - `recomputeTable`, `tablesUsingRates`: whole-table recomputes as jobs (recompute-job.ts).
 *
 * The parts, by concern: plans.ts (what to compute, per table and schema version),
 * evaluation.ts (values in memory), propagation.ts (settling the records a change
 * reaches), recompute-job.ts (the job), write-plan.ts (what a write leaves to settle).
 */
import { Inject, Injectable } from '@nestjs/common';
import type { TableMeta } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { SchemaService } from '../schema/schema.service.js';
import { RecordStore } from '../store/record-store.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { ComputedWrite, type WriteEngine } from './computed-write.js';
import { evaluateVolatile } from './evaluation.js';
import { ComputedPlans } from './plans.js';
import { Propagation } from './propagation.js';
import { RecomputeJob } from './recompute-job.js';
import type { WriteKind } from './write-plan.js';

export type { ComputedWrite, Settle, WriteRow } from './computed-write.js';
export type { WriteKind } from './write-plan.js';

@Injectable()
export class ComputedService {
  private readonly engine: WriteEngine;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly plans: ComputedPlans,
    private readonly job: RecomputeJob,
    propagation: Propagation,
    store: RecordStore,
  ) {
    this.engine = { plans, propagation, store, ws };
  }

  /** The computed side of one write of `table`'s records, in the writing transaction `sql`. */
  begin(sql: Sql, table: TableMeta, kind: WriteKind): ComputedWrite {
    return new ComputedWrite(this.engine, sql, table, kind);
  }

  /** Volatile formulas (TODAY, NOW) of records being read (wire data by key), in the workspace's time zone. */
  async evaluateVolatile(table: TableMeta, items: { data: Record<string, unknown> }[]): Promise<void> {
    const plan = this.plans.plan(table);
    if (!plan.volatile.length || !items.length) return;
    evaluateVolatile(plan, items, await this.plans.rateFn(this.db, table), this.ws.valueContext());
  }

  /** Recomputes the whole table as a job with progress (a formula was added or changed). */
  recomputeTable(table: TableMeta, sql?: Sql, startedBy?: string): Promise<string> {
    return this.job.recomputeTable(table, sql, startedBy);
  }

  /** Tables with formulas that convert currencies: recomputed when a rate changes. */
  tablesUsingRates(): TableMeta[] {
    return this.schema.cachedList().filter((t) => this.plans.plan(t).usesRates);
  }
}
