/**
 * The computed engine: formula, lookup and rollup values are stored in `data` on every
 * write, inside the writing transaction, so they filter, sort and report in SQL and are
 * current when the request returns (docs/adr/0005-computed-fields.md).
 *
 * - The records to recompute are locked FOR UPDATE in one fixed order (table, then id),
 *   and every aggregate is read from SQL over the live linked records AFTER the lock is
 *   held: two lines added at once to one order give the right total.
 * - A change reaches the records that link to it through the link table (an order's
 *   total follows its lines, a client's balance its orders), level by level.
 * - Beyond FANOUT parents, the recompute goes to a merged job instead.
 * - Computed values never bump `version` and never write history.
 */
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { derivedKind, linkOptions, linkStorage, uuidLiteral, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import type { FormulaValue } from '@tabula/formula';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { JobsService } from '../jobs/jobs.service.js';
import { SchemaService } from '../schema/schema.service.js';
import { RecordStore, type SqlRecomputeResult } from '../store/record-store.js';
import { SYSTEM } from '../store/row-scope.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { buildPlan, readSet, type SqlRecompute, type TablePlan } from './computed-plan.js';
import { aggregateValues, lookupValues } from './computed-sql.js';
import { RatesService, type RateFn } from './rates.service.js';
import { toStored, toWireValue, wireById } from './computed-values.js';
import { canEvaluateNew, lookupValuesForNew, type NewLinks } from './computed-new-rows.js';

export const FANOUT = 1000;
/**
 * Records per recompute job step on a server (one transaction: read + lock, evaluate, one
 * UPDATE, then the rollups that read them). Measured on 50,000 lines (formula change,
 * 2 cores, noisy): 1,000 → 2,000 rows/s, 2,000 → 2,950, 5,000 → 3,770; page requests
 * meanwhile p50 30 ms at each size.
 */
export const BATCH = 5000;
/** On PGlite a step holds the one session: shorter steps keep page reads answered meanwhile. */
export const BATCH_EMBEDDED = 1000;
/** `TABULA_RECOMPUTE_BATCH` overrides the rows per step (tests make an order's lines straddle steps with a small one). */
export function recomputeBatch(kind: Database['kind']): number {
  const env = Number(process.env.TABULA_RECOMPUTE_BATCH);
  return Number.isInteger(env) && env > 0 ? env : kind === 'postgres' ? BATCH : BATCH_EMBEDDED;
}
const MAX_DEPTH = 8;
export const RECOMPUTE_JOB = 'recompute';

interface RecomputeJob {
  tableId: string;
  ids?: string[];
  after?: string;
}

@Injectable()
export class ComputedService implements OnModuleInit {
  private readonly logger = new Logger('computed');
  private plans = new Map<string, TablePlan>();
  /** Rows of whole-table recomputes evaluated in the database and by the evaluator (observability, tests). */
  readonly recomputed = { inDatabase: 0, evaluator: 0 };
  private planVersion: unknown;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly store: RecordStore,
    private readonly rates: RatesService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<RecomputeJob>(RECOMPUTE_JOB, async (step) => {
      await this.schema.fresh(step.sql);
      const table = this.schema.tableById(step.data.tableId);
      if (!table) return { done: step.done, finished: true };
      const batch = recomputeBatch(this.db.kind);
      // the readers of a step's changes (an order's total) are recomputed in the same step, not
      // deferred to a job of their own: the job is `done` only once they are current too
      const inline = Math.max(FANOUT, batch);
      if (step.data.ids) {
        const all = [...step.data.ids].sort();
        const ids = all.slice(step.done, step.done + batch);
        const changed = await this.recompute(step.sql, table, ids, await this.rateFn(step.sql, table));
        await this.propagate(
          step.sql,
          new Map([[table.id, new Map([...changed].map(([id, s]) => [id, s as Set<string> | 'all']))]]),
          new Map(),
          false,
          inline,
        );
        const done = step.done + ids.length;
        return { done, total: all.length, finished: done >= all.length };
      }
      // the page of rows is read and locked in one statement (id order, as every lock here)
      let total = step.total;
      if (total === null) {
        total = await this.store.countLive(step.sql, table, SYSTEM);
      }
      const fields = this.plan(table).order;
      const inSql = this.plan(table).sql;
      // Opt-in (TABULA_RECOMPUTE_SQL=on): measured on 2 cores it was no faster than the evaluator
      // (PostgreSQL, 50k lines: 2.7–3.7 s vs 2.5–3.3 s) and slower on PGlite (30k lines: 3.5–3.8 s vs 2.8–3.2 s):
      // the step's cost is the UPDATE's writes, and the guard moves work onto the database's core.
      if (inSql && process.env.TABULA_RECOMPUTE_SQL === 'on') {
        // the formula as SQL: the step's rows are read, locked, evaluated and written in one statement
        const r = await this.sqlStep(step.sql, table, inSql, step.data.after, batch);
        this.recomputed.inDatabase += r.n - r.rest.length;
        this.recomputed.evaluator += r.rest.length;
        const changed = new Map<string, Set<string> | 'all'>(r.changed.map((id) => [id, new Set([inSql.field.slot, '_e'])]));
        // rows the SQL cannot take exactly (blank inputs, more than 20 digits, a zero): the evaluator's
        if (r.rest.length)
          for (const [id, slots] of await this.recompute(step.sql, table, r.rest, await this.rateFn(step.sql, table), fields))
            changed.set(id, slots);
        if (changed.size) await this.propagate(step.sql, new Map([[table.id, changed]]), new Map(), false, inline);
        return { done: step.done + r.n, total, finished: r.n < batch, data: { ...step.data, after: r.last ?? step.data.after } };
      }
      const rows = await this.store.lockLivePage(step.sql, table, step.data.after, batch, SYSTEM);
      this.recomputed.evaluator += rows.length;
      if (rows.length) {
        // the batch's changes reach the records that read them (an order's total follows its lines)
        const changed = await this.recomputeRows(step.sql, table, rows, await this.rateFn(step.sql, table), fields);
        if (changed.size)
          await this.propagate(
            step.sql,
            new Map([[table.id, new Map([...changed].map(([id, s]) => [id, s as Set<string> | 'all']))]]),
            new Map(),
            false,
            inline,
          );
      }
      return { done: step.done + rows.length, total, finished: rows.length < batch, data: { ...step.data, after: rows.at(-1)?.id } };
    });
  }

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

  /** Recomputes the whole table as a job with progress (a formula was added or changed). */
  async recomputeTable(table: TableMeta, sql?: Sql, startedBy?: string): Promise<string> {
    return this.jobs.enqueue(RECOMPUTE_JOB, { tableId: table.id }, null, { mergeKey: `table:${table.id}`, sql, startedBy });
  }

  kick(): void {
    this.jobs.kick();
  }

  /**
   * After records of `table` were written (created, updated, trashed or restored): their
   * own computed fields, then everything that reads them through links. `changedSlots`
   * (an update) limits the propagation to readers of those fields; without it, every
   * reader follows (a record appeared or went). `touched` adds records whose links
   * changed (the previous and new targets of a link).
   */
  async afterWrite(
    sql: Sql,
    table: TableMeta,
    ids: string[],
    touched: Map<string, Set<string>> = new Map(),
    changedSlots?: string[],
    opts: { own?: Map<string, Set<string>>; created?: boolean; linkedDone?: boolean } = {},
  ): Promise<void> {
    const plan = this.plan(table);
    // with `own` the rows were written with their own formulas (evaluateOwn): only the link-fed fields remain,
    // and none with `linkedDone` (evaluateLinkedNew)
    const fields = opts.linkedDone ? [] : opts.own ? plan.linked : plan.order;
    const own = fields.length
      ? await this.recompute(sql, table, [...ids].sort(), await this.rateFn(sql, table), fields)
      : new Map<string, Set<string>>();
    const entries = new Map<string, Set<string> | 'all'>();
    for (const id of ids)
      entries.set(id, changedSlots ? new Set([...changedSlots, ...(opts.own?.get(id) ?? []), ...(own.get(id) ?? [])]) : 'all');
    // records just created are linked only through the links written with them, all in `touched`
    await this.propagate(sql, new Map([[table.id, entries]]), touched, opts.created);
  }

  /** `fanout`: beyond this many records of one table at one level, their recompute goes to a merged job. */
  private async propagate(
    sql: Sql,
    start: Map<string, Map<string, Set<string> | 'all'>>,
    touched: Map<string, Set<string>>,
    startIsNew = false,
    fanout = FANOUT,
  ): Promise<void> {
    let dirty = start;
    let forced = touched;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      if (depth === 0 && startIsNew) dirty = new Map();
      const parents = new Map<string, Set<string>>();
      for (const [tid, ids] of forced) parents.set(tid, new Set(ids));
      forced = new Map();
      for (const holder of this.schema.cachedList()) {
        const plan = this.plan(holder);
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
      const next = new Map<string, Map<string, Set<string> | 'all'>>();
      // fixed lock order: table id, then record id
      for (const tid of [...parents.keys()].sort()) {
        const table = this.schema.tableById(tid);
        const ids = [...parents.get(tid)!].sort();
        if (!table || !ids.length || !this.plan(table).order.length) continue;
        if (ids.length > fanout) {
          await this.jobs.enqueue(RECOMPUTE_JOB, { tableId: tid, ids }, ids.length, {
            sql,
            mergeKey: `ids:${tid}`,
            merge: (a: RecomputeJob, b: RecomputeJob) => ({ tableId: tid, ids: [...new Set([...(a.ids ?? []), ...(b.ids ?? [])])] }),
          });
          continue;
        }
        const changed = await this.recompute(sql, table, ids, await this.rateFn(sql, table));
        if (changed.size) next.set(tid, new Map([...changed].map(([id, slots]) => [id, slots as Set<string> | 'all'])));
      }
      if (!next.size) return;
      dirty = next;
    }
    this.logger.warn('computed fields reach deeper than 8 levels of links; stopped there');
  }

  /**
   * Evaluates the table's own formulas (plan.own) on rows about to be written, in place:
   * the stored results and cell errors go into `data` exactly as the post-write recompute
   * would store them, so the row is written once. Returns the changed slots per row.
   */
  async evaluateOwn(sql: Sql, table: TableMeta, rows: { id: string; data: Record<string, unknown> }[]): Promise<Map<string, Set<string>>> {
    const plan = this.plan(table);
    const changed = new Map<string, Set<string>>();
    if (!plan.own.length || !rows.length) return changed;
    const rate = await this.rateFn(sql, table);
    const ctx = this.ws.valueContext();
    const none = new Map<string, Map<string, never>>();
    for (const row of rows) {
      const { patch, slots } = this.evaluateRow(plan, plan.own, row, none, none, rate, ctx, plan.ownInputs);
      if (!slots.size) continue;
      // what `jsonb_strip_nulls(r.data || patch)` stores
      row.data = stripNullsDeep({ ...row.data, ...patch }) as Record<string, unknown>;
      changed.set(row.id, slots);
    }
    return changed;
  }

  /**
   * Records being created (after evaluateOwn): their link-fed fields from the links sent
   * with them (computed-new-rows.ts), in place, so the row is written once. False when a
   * rollup or an aggregate needs the post-write pass (then nothing is changed).
   */
  async evaluateLinkedNew(
    sql: Sql,
    table: TableMeta,
    rows: { id: string; data: Record<string, unknown> }[],
    links: NewLinks,
  ): Promise<boolean> {
    const plan = this.plan(table);
    if (!plan.linked.length) return true;
    if (!canEvaluateNew(plan) || !rows.length) return false;
    const looks = await lookupValuesForNew(sql, this.store, plan.lookups, links);
    const rate = await this.rateFn(sql, table);
    const ctx = this.ws.valueContext();
    for (const row of rows) {
      const { patch } = this.evaluateRow(plan, plan.linked, row, new Map(), looks, rate, ctx);
      row.data = stripNullsDeep({ ...row.data, ...patch }) as Record<string, unknown>;
    }
    return true;
  }

  /** Whether rows created with evaluateOwn and evaluateLinkedNew still need a post-write pass (rollups, aggregates). */
  needsPostPassOnCreate(table: TableMeta): boolean {
    const plan = this.plan(table);
    return plan.linked.length > 0 && !canEvaluateNew(plan);
  }

  /**
   * Locks live records (sorted ids), recomputes their computed fields (`fields`, in
   * dependency order; all of them by default) and writes the changed rows in one
   * statement; returns the changed slots per record.
   */
  async recompute(sql: Sql, table: TableMeta, ids: string[], rate: RateFn, fields?: FieldMeta[]): Promise<Map<string, Set<string>>> {
    const plan = this.plan(table);
    if (!ids.length) return new Map();
    const todo = fields ?? plan.order;
    if (!todo.length) return new Map();
    // computed values see every record: the records they read and the records they are stored on
    const rows = await this.store.lockLive(sql, table, ids, SYSTEM);
    return this.recomputeRows(sql, table, rows, rate, todo);
  }

  /**
   * One step of a whole-table recompute in SQL (RecordStore.recomputeInSql): the formula's
   * stored form is a number's normalised text, money at least at its currency's minor units.
   */
  private async sqlStep(
    sql: Sql,
    table: TableMeta,
    rec: SqlRecompute,
    after: string | undefined,
    batch: number,
  ): Promise<SqlRecomputeResult> {
    const f = rec.formula;
    const v = 'b.v';
    const stored =
      f.type === 'money'
        ? `jsonb_build_object('a', CASE WHEN scale(trim_scale(${v})) >= ${rec.minor} THEN trim_scale(${v})::text ELSE round(${v}, ${rec.minor})::text END, 'c', '${f.currency}')`
        : `to_jsonb(trim_scale(${v})::text)`;
    // computed values see every record
    return this.store.recomputeInSql(
      sql,
      table,
      { slot: rec.field.slot, value: f.value, guard: f.guard, laterals: f.laterals, stored },
      after,
      batch,
      SYSTEM,
    );
  }

  /** Recomputes `fields` of rows already read and locked, and writes the changed ones with one statement. */
  private async recomputeRows(
    sql: Sql,
    table: TableMeta,
    rows: { id: string; data: Record<string, unknown> }[],
    rate: RateFn,
    fields: FieldMeta[],
  ): Promise<Map<string, Set<string>>> {
    const plan = this.plan(table);
    const changed = new Map<string, Set<string>>();
    if (!rows.length) return changed;
    const live = rows.map((r) => r.id);
    const wanted = new Set(fields.map((f) => f.id));
    const aggs = await aggregateValues(
      sql,
      this.ws.id,
      plan.aggs.filter((a) => !a.key.startsWith('rollup:') || wanted.has(a.key.slice(7))),
      live,
    );
    const looks = await lookupValues(sql, this.ws.id, new Map([...plan.lookups].filter(([id]) => wanted.has(id))), live);
    const ctx = this.ws.valueContext();
    const { inputs } = readSet(plan, fields);
    const patches: { id: string; data: Record<string, unknown> }[] = [];
    for (const row of rows) {
      const { patch, slots } = this.evaluateRow(plan, fields, row, aggs, looks, rate, ctx, inputs);
      if (slots.size) {
        patches.push({ id: row.id, data: patch });
        changed.set(row.id, slots);
      }
    }
    if (patches.length) await this.store.mergeData(sql, table, patches, { stripNulls: true });
    return changed;
  }

  /** One row's computed `fields` (in order): the patch of stored values and `_e`, and the slots that change. */
  private evaluateRow(
    plan: TablePlan,
    fields: FieldMeta[],
    row: { id: string; data: Record<string, unknown> },
    aggs: Map<string, Map<string, unknown>>,
    looks: Map<string, Map<string, unknown[]>>,
    rate: RateFn,
    ctx: ReturnType<WorkspaceService['valueContext']>,
    inputs: FieldMeta[] = plan.table.fields,
  ): { patch: Record<string, unknown>; slots: Set<string> } {
    const values = wireById(inputs, row.data);
    const errors: Record<string, unknown> = { ...((row.data._e as Record<string, unknown>) ?? {}) };
    const patch: Record<string, unknown> = {};
    for (const f of fields) {
      let value: FormulaValue | unknown;
      const kind = derivedKind(f);
      if (kind === 'aggregate') value = aggs.get(`rollup:${f.id}`)?.get(row.id) ?? null;
      else if (kind === 'lookup') {
        const list = looks.get(f.id)?.get(row.id) ?? [];
        value = f.options.multiple ? list : (list[0] ?? null);
      } else {
        const compiled = plan.formulas.get(f.id)!;
        if (compiled.volatile) continue;
        const aggregates: Record<string, unknown> = {};
        for (const a of compiled.aggregates) aggregates[a.key] = aggs.get(a.key)?.get(row.id) ?? null;
        value = compiled.evaluate({ values, aggregates, rate, today: ctx.today, now: ctx.now });
      }
      const { stored, error } = toStored(value, f);
      patch[f.slot] = stored;
      if (error) errors[f.slot] = error;
      else delete errors[f.slot];
      values[f.id] = error ? null : toWireValue(stored, f);
    }
    patch._e = Object.keys(errors).length ? errors : null;
    const slots = new Set(Object.keys(patch).filter((k) => JSON.stringify(row.data[k] ?? null) !== JSON.stringify(patch[k])));
    return { patch, slots };
  }

  /** Volatile formulas (TODAY, NOW) are evaluated when read, in the workspace's time zone. */
  async evaluateVolatile(table: TableMeta, items: { data: Record<string, unknown> }[]): Promise<void> {
    const plan = this.plan(table);
    if (!plan.volatile.length || !items.length) return;
    const rate = plan.usesRates ? await this.rateFn(this.db, table) : () => null;
    const ctx = this.ws.valueContext();
    for (const item of items) {
      const values: Record<string, unknown> = {};
      for (const f of table.fields) if (f.key in item.data) values[f.id] = item.data[f.key];
      for (const f of plan.volatile) {
        if (!(f.key in item.data)) continue; // not readable
        const v = plan.formulas.get(f.id)!.evaluate({ values, rate, today: ctx.today, now: ctx.now });
        const { stored, error } = toStored(v, f);
        item.data[f.key] = error ?? toWireValue(stored, f);
        values[f.id] = item.data[f.key];
      }
    }
  }

  /** Whether rows written with evaluateOwn still need a post-write pass of their own (link-fed fields). */
  needsPostPass(table: TableMeta): boolean {
    return this.plan(table).linked.length > 0;
  }

  private async rateFn(sql: Sql, table: TableMeta): Promise<RateFn> {
    return this.plan(table).usesRates ? this.rates.fn(await this.rates.all(sql)) : () => null;
  }

  /** Tables with formulas that convert currencies: recomputed when a rate changes. */
  tablesUsingRates(): TableMeta[] {
    return this.schema.cachedList().filter((t) => this.plan(t).usesRates);
  }

  fieldsOf(table: TableMeta): FieldMeta[] {
    return this.plan(table).order;
  }
}

/** JS twin of PostgreSQL's jsonb_strip_nulls: drops object members that are null, at every depth. */
export function stripNullsDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNullsDeep);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNullsDeep(x);
  return out;
}
