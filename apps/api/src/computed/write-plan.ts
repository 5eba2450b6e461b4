/**
 * What a write leaves to the computed engine, decided from the table's plan and what the
 * write's `prepare` managed (pure, unit-tested in write-plan.spec.ts): which computed
 * fields of the written rows still need the database after the write, whether the rows
 * as written are final, and where the propagation to readers starts.
 */
import type { FieldMeta } from '@tabula/schema-engine';
import type { TablePlan } from './computed-plan.js';
import { canEvaluateNew } from './computed-new-rows.js';
import type { Dirty } from './propagation.js';

/** create: new rows; update: one row changed; delete and restore: rows left or came back (whole cascade batches). */
export type WriteKind = 'create' | 'update' | 'delete' | 'restore';

/** How far `prepare` computed the rows before they were written. */
export interface Prepared {
  /** Own formulas filled in (plan.own). */
  own: boolean;
  /** Link-fed fields filled in too, from the links sent with new rows (plan.linked). */
  linked: boolean;
}

export const NOT_PREPARED: Prepared = { own: false, linked: false };

/**
 * What `prepare` computes before the write: own formulas for a create or an update; for a
 * create also the link-fed fields when the links sent are all they read (no rollup, no
 * aggregate, no lookup into the table itself). Delete and restore write no values.
 */
export function preparable(plan: TablePlan, kind: WriteKind): Prepared {
  if (kind === 'delete' || kind === 'restore') return NOT_PREPARED;
  return { own: true, linked: kind === 'create' && (plan.linked.length === 0 || canEvaluateNew(plan)) };
}

/** The written rows' computed fields that `settle` recomputes after the write, in dependency order. */
export function settleFields(plan: TablePlan, prepared: Prepared): FieldMeta[] {
  if (prepared.linked) return [];
  return prepared.own ? plan.linked : plan.order;
}

/** Whether the rows as written are what the write leaves stored (nothing of theirs is recomputed after it). */
export function rowsFinal(plan: TablePlan, prepared: Prepared): boolean {
  return settleFields(plan, prepared).length === 0;
}

/**
 * Where the propagation starts: the written rows with the slots that changed — the ones
 * the writer set (`changed`, an update) and the ones the engine filled before and after the
 * write — or 'all' when a row appeared or went (delete, restore). New rows are read by
 * other records only through the links written with them, which the caller names: they
 * start nothing themselves.
 */
export function startOf(
  kind: WriteKind,
  tableId: string,
  ids: string[],
  changed: string[] | undefined,
  filled: Map<string, Set<string>>[],
): Dirty {
  if (kind === 'create') return new Map();
  const entries = new Map<string, Set<string> | 'all'>();
  for (const id of ids) entries.set(id, changed ? new Set([...changed, ...filled.flatMap((m) => [...(m.get(id) ?? [])])]) : 'all');
  return new Map([[tableId, entries]]);
}
