/**
 * One write's conversation with the computed engine (ComputedService.begin): the caller
 * validates, `prepare`s the rows it is about to write, persists them, then `settle`s what
 * the write affects, inside one transaction:
 *
 *   const change = computed.begin(sql, table, 'create');
 *   await change.prepare(rows, links);      // own formulas, lookups from the links sent
 *   … insert the rows, write the links …
 *   await change.settle(ids, { relinked }); // what needed the links, parents through links, jobs beyond the fan-out
 *
 * The object remembers what `prepare` managed, so `settle` recomputes only the rest and each
 * new row is written once (ADR 0009); rollups of parents are recomputed once per parent for
 * the whole batch, under locks in the fixed order table, then id (propagation.ts).
 */
import type { FieldMeta, TableMeta } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import type { RecordStore } from '../store/record-store.js';
import type { WorkspaceService } from '../workspace/workspace.service.js';
import { lookupValuesForNew, type NewLinks } from './computed-new-rows.js';
import { fillRows, NO_READS } from './evaluation.js';
import type { ComputedPlans } from './plans.js';
import type { Propagation } from './propagation.js';
import { NOT_PREPARED, preparable, rowsFinal, settleFields, startOf, type Prepared, type WriteKind } from './write-plan.js';

/** What a write's computed values are read and written with (given by ComputedService). */
export interface WriteEngine {
  plans: ComputedPlans;
  propagation: Propagation;
  store: RecordStore;
  ws: WorkspaceService;
}

/** A row about to be written: its stored values by slot, filled in place. */
export type WriteRow = { id: string; data: Record<string, unknown> };

export interface Settle {
  /** Records (by table id) whose links the write changed: the previous and new targets, and records that lost a target to it. */
  relinked?: Map<string, Set<string>>;
  /** An update: the slots the writer changed (readers of other fields are left alone). */
  changed?: string[];
}

export class ComputedWrite {
  private prepared: Prepared = NOT_PREPARED;
  /** Slots `prepare` filled, per row. */
  private filled = new Map<string, Set<string>>();

  constructor(
    private readonly engine: WriteEngine,
    private readonly sql: Sql,
    readonly table: TableMeta,
    readonly kind: WriteKind,
  ) {}

  /**
   * Fills the computed values of rows about to be written, in place: own formulas, and for
   * new rows the link-fed fields when the links sent with them (`links[i]` for `rows[i]`:
   * the link fields and the ids each links to) are all they read.
   */
  async prepare(rows: WriteRow[], links: [FieldMeta, string[]][][] = []): Promise<void> {
    const plan = this.engine.plans.plan(this.table);
    const can = preparable(plan, this.kind);
    if (!can.own || !rows.length) return;
    this.prepared = can;
    const linked = can.linked && plan.linked.length > 0;
    if (!plan.own.length && !linked) return;
    const rate = await this.engine.plans.rateFn(this.sql, this.table);
    const clock = this.engine.ws.valueContext();
    if (plan.own.length) this.filled = fillRows(plan, plan.own, rows, NO_READS, rate, clock, plan.ownInputs);
    if (linked) {
      const looks = await lookupValuesForNew(this.sql, this.engine.store, plan.lookups, newLinks(rows, links));
      fillRows(plan, plan.linked, rows, { aggs: new Map(), looks }, rate, clock);
    }
  }

  /** Whether the rows as written are what the write leaves stored (else re-read them after `settle` to answer). */
  get final(): boolean {
    return rowsFinal(this.engine.plans.plan(this.table), this.prepared);
  }

  /** After the rows `ids` were written: their computed fields that needed the write, then every record that reads them. */
  async settle(ids: string[], effects: Settle = {}): Promise<void> {
    const plan = this.engine.plans.plan(this.table);
    const fields = settleFields(plan, this.prepared);
    const after = fields.length
      ? await this.engine.propagation.recompute(this.sql, this.table, ids, fields)
      : new Map<string, Set<string>>();
    const start = startOf(this.kind, this.table.id, ids, effects.changed, [this.filled, after]);
    await this.engine.propagation.propagate(this.sql, start, effects.relinked);
  }
}

/** Record id → link field id → the ids sent (computed-new-rows.ts). */
function newLinks(rows: WriteRow[], links: [FieldMeta, string[]][][]): NewLinks {
  return new Map(rows.map((r, i) => [r.id, new Map((links[i] ?? []).map(([f, ids]) => [f.id, ids]))]));
}
