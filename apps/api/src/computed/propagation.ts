/**
 * Settling the records a change reaches (ADR 0005): the written rows' computed fields that
 * need the database (links, aggregates), then, level by level, the records that read them
 * through links — only those whose computed fields read a slot that changed.
 *
 * - Records are locked FOR UPDATE in one fixed order (table id, then record id), and every
 *   aggregate is read from SQL over the live linked records AFTER the lock is held: two
 *   lines added at once to one order give the right total.
 * - Beyond `fanout` records of one table at one level, their recompute goes to a merged
 *   job (recompute-job.ts) instead.
 * - Computed values never bump `version` and never write history (RecordStore.mergeData).
 */
import { Injectable, Logger } from '@nestjs/common';
import { linkOptions, linkStorage, uuidLiteral, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import { JobsService } from '../jobs/jobs.service.js';
import { SchemaService } from '../schema/schema.service.js';
import { RecordStore } from '../store/record-store.js';
import { SYSTEM } from '../store/row-scope.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { readSet } from './computed-plan.js';
import { aggregateValues, lookupValues } from './computed-sql.js';
import { evaluateRow } from './evaluation.js';
import { ComputedPlans } from './plans.js';

/** Records of one table at one level recomputed inline; beyond, a job. */
export const FANOUT = 1000;
const MAX_DEPTH = 8;
export const RECOMPUTE_JOB = 'recompute';

/** A recompute job: a whole table (keyset pages after `after`) or the listed records. */
export interface RecomputeJobData {
  tableId: string;
  ids?: string[];
  after?: string;
}

/** Per table id: the records that changed, with the slots that changed ('all': it appeared or went). */
export type Dirty = Map<string, Map<string, Set<string> | 'all'>>;

@Injectable()
export class Propagation {
  private readonly logger = new Logger('computed');

  constructor(
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly store: RecordStore,
    private readonly plans: ComputedPlans,
    private readonly jobs: JobsService,
  ) {}

  /**
   * Locks live records (sorted ids), recomputes their computed fields (`fields`, in
   * dependency order; all of them by default) and writes the changed rows in one
   * statement; returns the changed slots per record.
   */
  async recompute(sql: Sql, table: TableMeta, ids: string[], fields?: FieldMeta[]): Promise<Map<string, Set<string>>> {
    const todo = fields ?? this.plans.plan(table).order;
    if (!ids.length || !todo.length) return new Map();
    // computed values see every record: the records they read and the records they are stored on
    const rows = await this.store.lockLive(sql, table, [...ids].sort(), SYSTEM);
    return this.recomputeRows(sql, table, rows, todo);
  }

  /** Recomputes `fields` of rows already read and locked, and writes the changed ones with one statement. */
  async recomputeRows(
    sql: Sql,
    table: TableMeta,
    rows: { id: string; data: Record<string, unknown> }[],
    fields: FieldMeta[],
  ): Promise<Map<string, Set<string>>> {
    const plan = this.plans.plan(table);
    const changed = new Map<string, Set<string>>();
    if (!rows.length) return changed;
    const live = rows.map((r) => r.id);
    const wanted = new Set(fields.map((f) => f.id));
    const reads = {
      aggs: await aggregateValues(
        sql,
        this.ws.id,
        plan.aggs.filter((a) => !a.key.startsWith('rollup:') || wanted.has(a.key.slice(7))),
        live,
      ),
      looks: await lookupValues(sql, this.ws.id, new Map([...plan.lookups].filter(([id]) => wanted.has(id))), live),
    };
    const rate = await this.plans.rateFn(sql, table);
    const clock = this.ws.valueContext();
    const { inputs } = readSet(plan, fields);
    const patches: { id: string; data: Record<string, unknown> }[] = [];
    for (const row of rows) {
      const { patch, slots } = evaluateRow(plan, fields, row, reads, rate, clock, inputs);
      if (slots.size) {
        patches.push({ id: row.id, data: patch });
        changed.set(row.id, slots);
      }
    }
    if (patches.length) await this.store.mergeData(sql, table, patches, { stripNulls: true });
    return changed;
  }

  /**
   * Everything that reads the `dirty` records through links, level by level. `forced`
   * records are recomputed at the first level whatever changed (the previous and new
   * targets of links written); `fanout`: beyond this many records of one table at one
   * level, their recompute goes to a merged job.
   */
  async propagate(sql: Sql, dirty: Dirty, forced: Map<string, Set<string>> = new Map(), fanout = FANOUT): Promise<void> {
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const parents = new Map<string, Set<string>>();
      for (const [tid, ids] of forced) parents.set(tid, new Set(ids));
      forced = new Map();
      for (const holder of this.schema.cachedList()) await this.readersOf(sql, holder, dirty, parents);
      const next: Dirty = new Map();
      // fixed lock order: table id, then record id
      for (const tid of [...parents.keys()].sort()) {
        const table = this.schema.tableById(tid);
        const ids = [...parents.get(tid)!].sort();
        if (!table || !ids.length || !this.plans.plan(table).order.length) continue;
        if (ids.length > fanout) {
          await this.enqueue(sql, tid, ids);
          continue;
        }
        const changed = await this.recompute(sql, table, ids);
        if (changed.size) next.set(tid, new Map([...changed].map(([id, slots]) => [id, slots as Set<string> | 'all'])));
      }
      if (!next.size) return;
      dirty = next;
    }
    this.logger.warn('computed fields reach deeper than 8 levels of links; stopped there');
  }

  /** Adds to `parents` the records of `holder` whose computed fields read a changed slot of a dirty record. */
  private async readersOf(sql: Sql, holder: TableMeta, dirty: Dirty, parents: Map<string, Set<string>>): Promise<void> {
    const plan = this.plans.plan(holder);
    for (const link of plan.sources) {
      const entries = dirty.get(linkOptions(link).table);
      if (!entries?.size) continue;
      const reads = plan.reads.get(link.id) ?? new Set<string>();
      const from = [...entries].filter(([, slots]) => slots === 'all' || [...slots].some((s) => reads.has(s))).map(([id]) => id);
      if (!from.length) continue;
      const s = linkStorage(link);
      const rows = await sql.query<{ id: string }>(
        `SELECT DISTINCT l.${s.self} AS id FROM record_link l WHERE l.workspace_id = $1 AND l.field_id = ${uuidLiteral(s.fieldId)} AND l.${s.other} = ANY($2::uuid[])`,
        [this.ws.id, from],
      );
      const set = parents.get(holder.id) ?? new Set<string>();
      for (const r of rows) set.add(r.id);
      parents.set(holder.id, set);
    }
  }

  /** The records' recompute as a job, merged with the table's pending one (in the caller's transaction). */
  private async enqueue(sql: Sql, tableId: string, ids: string[]): Promise<void> {
    await this.jobs.enqueue(RECOMPUTE_JOB, { tableId, ids }, ids.length, {
      sql,
      mergeKey: `ids:${tableId}`,
      merge: (a: RecomputeJobData, b: RecomputeJobData) => ({ tableId, ids: [...new Set([...(a.ids ?? []), ...(b.ids ?? [])])] }),
    });
  }
}
