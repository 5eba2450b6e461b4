/**
 * The computed engine's plans, one per table and schema version (computed-plan.ts), and the
 * rate function a plan's CONVERT needs: what every part of the engine (a write, the
 * propagation to readers, the recompute job, values read) starts from.
 */
import { Injectable } from '@nestjs/common';
import type { TableMeta } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import { SchemaService } from '../schema/schema.service.js';
import { buildPlan, type TablePlan } from './computed-plan.js';
import { RatesService, type RateFn } from './rates.service.js';

@Injectable()
export class ComputedPlans {
  private plans = new Map<string, TablePlan>();
  private planVersion: unknown;

  constructor(
    private readonly schema: SchemaService,
    private readonly rates: RatesService,
  ) {}

  plan(table: TableMeta): TablePlan {
    const v = this.schema.currentVersion;
    if (v !== this.planVersion) {
      this.plans = new Map();
      this.planVersion = v;
    }
    let p = this.plans.get(table.id);
    if (!p) {
      p = buildPlan(table, (id) => this.schema.tableById(id));
      this.plans.set(table.id, p);
    }
    return p;
  }

  /** Exchange rates are read only for a table whose formulas convert currencies. */
  async rateFn(sql: Sql, table: TableMeta): Promise<RateFn> {
    return this.plan(table).usesRates ? this.rates.fn(await this.rates.all(sql)) : () => null;
  }
}
