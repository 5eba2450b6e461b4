/**
 * Evaluating computed fields on rows in memory: a row's stored computed values and cell
 * errors from its inputs, the aggregates and the lookups read for it (what a write and a
 * recompute store), and the volatile formulas (TODAY, NOW), evaluated when read and never
 * stored. No SQL here: the callers read and write.
 */
import { derivedKind, type FieldMeta, type ValueContext } from '@tabula/schema-engine';
import type { FormulaValue } from '@tabula/formula';
import type { TablePlan } from './computed-plan.js';
import { toStored, toWireValue, wireById } from './computed-values.js';
import type { RateFn } from './rates.service.js';

/** The workspace's clock in its time zone (WorkspaceService.valueContext). */
export type Clock = Pick<ValueContext, 'today' | 'now'>;

/** What one row's computed fields read besides the row: aggregate key → id → value, lookup field → id → values. */
export interface Reads {
  aggs: Map<string, Map<string, unknown>>;
  looks: Map<string, Map<string, unknown[]>>;
}

export const NO_READS: Reads = { aggs: new Map(), looks: new Map() };

type Row = { id: string; data: Record<string, unknown> };

/** One row's computed `fields` (in order): the patch of stored values and `_e`, and the slots that change. */
export function evaluateRow(
  plan: TablePlan,
  fields: FieldMeta[],
  row: Row,
  reads: Reads,
  rate: RateFn,
  clock: Clock,
  inputs: FieldMeta[] = plan.table.fields,
): { patch: Record<string, unknown>; slots: Set<string> } {
  const values = wireById(inputs, row.data);
  const errors: Record<string, unknown> = { ...((row.data._e as Record<string, unknown>) ?? {}) };
  const patch: Record<string, unknown> = {};
  for (const f of fields) {
    let value: FormulaValue | unknown;
    const kind = derivedKind(f);
    if (kind === 'aggregate') value = reads.aggs.get(`rollup:${f.id}`)?.get(row.id) ?? null;
    else if (kind === 'lookup') {
      const list = reads.looks.get(f.id)?.get(row.id) ?? [];
      value = f.options.multiple ? list : (list[0] ?? null);
    } else {
      const compiled = plan.formulas.get(f.id)!;
      if (compiled.volatile) continue;
      const aggregates: Record<string, unknown> = {};
      for (const a of compiled.aggregates) aggregates[a.key] = reads.aggs.get(a.key)?.get(row.id) ?? null;
      value = compiled.evaluate({ values, aggregates, rate, today: clock.today, now: clock.now });
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

/**
 * Rows about to be written get their computed `fields` in place, exactly as the post-write
 * recompute would store them (`jsonb_strip_nulls(data || patch)`), so each is written once.
 * Returns the changed slots per row.
 */
export function fillRows(
  plan: TablePlan,
  fields: FieldMeta[],
  rows: Row[],
  reads: Reads,
  rate: RateFn,
  clock: Clock,
  inputs?: FieldMeta[],
): Map<string, Set<string>> {
  const changed = new Map<string, Set<string>>();
  for (const row of rows) {
    const { patch, slots } = evaluateRow(plan, fields, row, reads, rate, clock, inputs);
    if (!slots.size) continue;
    row.data = stripNullsDeep({ ...row.data, ...patch }) as Record<string, unknown>;
    changed.set(row.id, slots);
  }
  return changed;
}

/** Volatile formulas of records being read (wire data by key), in place; an unreadable one stays out. */
export function evaluateVolatile(plan: TablePlan, items: { data: Record<string, unknown> }[], rate: RateFn, clock: Clock): void {
  for (const item of items) {
    const values: Record<string, unknown> = {};
    for (const f of plan.table.fields) if (f.key in item.data) values[f.id] = item.data[f.key];
    for (const f of plan.volatile) {
      if (!(f.key in item.data)) continue; // not readable
      const v = plan.formulas.get(f.id)!.evaluate({ values, rate, today: clock.today, now: clock.now });
      const { stored, error } = toStored(v, f);
      item.data[f.key] = error ?? toWireValue(stored, f);
      values[f.id] = item.data[f.key];
    }
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
