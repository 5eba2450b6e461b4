/**
 * One field's type change, value by value: the plan (conversion, source and target field,
 * and optionally the slot of the values before the previous type change) and a tally of
 * what happened (converted, lost, empty, restored, examples, missing choices) that
 * survives JSON between the batches of a job.
 *
 * Restoring: when a field goes back to the type it had before its last type change, a
 * record whose value has not changed since then — its previous value still converts to its
 * current value — gets the previous value back verbatim (so a text that could not become a
 * number comes back). Other records convert their current value.
 */
import { getFieldType } from '../registry.js';
import type { FieldMeta } from '../types.js';
import { convertStored, type ConversionContext, type ConversionDef } from './registry.js';

export interface FieldConversionPlan {
  conversion: ConversionDef;
  from: FieldMeta;
  to: FieldMeta;
  /** The conversion target → source, to recognise values unchanged since the previous type change. */
  restoreForward?: ConversionDef;
}

export type RowConversion =
  | { status: 'converted' | 'restored'; value: unknown }
  | { status: 'empty'; value: null }
  | { status: 'lost'; value: null; code: string; reason: string; missing?: string[] };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const isEmpty = (v: unknown) => v === null || v === undefined;

/** The target value of one record: `current` is the field's stored value, `previous` the one before the last type change. */
export function convertFieldValue(plan: FieldConversionPlan, current: unknown, previous: unknown, ctx: ConversionContext): RowConversion {
  if (plan.restoreForward && !isEmpty(previous)) {
    const forward = convertStored(plan.restoreForward, previous, plan.to, plan.from, ctx);
    if (same('ok' in forward ? forward.ok : null, current)) return { status: 'restored', value: previous };
  }
  if (isEmpty(current)) return { status: 'empty', value: null };
  const r = convertStored(plan.conversion, current, plan.from, plan.to, ctx);
  if ('lost' in r) return { status: 'lost', value: null, code: r.code, reason: r.lost, ...(r.missing ? { missing: r.missing } : {}) };
  return r.ok === null ? { status: 'empty', value: null } : { status: 'converted', value: r.ok };
}

export interface ConversionExample {
  id: string;
  /** The value before the change, in wire form. */
  value: unknown;
  code: string;
  reason: string;
}

export interface ConversionTally {
  total: number;
  convertible: number;
  lost: number;
  empty: number;
  restored: number;
  examples: ConversionExample[];
  /** Values that are not choices of a select target (at most MAX_MISSING). */
  missingChoices: string[];
}

export const MAX_EXAMPLES = 10;
export const MAX_MISSING = 50;

export function emptyTally(): ConversionTally {
  return { total: 0, convertible: 0, lost: 0, empty: 0, restored: 0, examples: [], missingChoices: [] };
}

/** Notes one record's outcome; `count` false keeps only the examples (a job counts at the end). */
export function tallyRow(
  t: ConversionTally,
  plan: FieldConversionPlan,
  id: string,
  current: unknown,
  r: RowConversion,
  count = true,
): void {
  if (count) {
    t.total++;
    if (r.status === 'lost') t.lost++;
    else if (r.status === 'empty') t.empty++;
    else t.convertible++;
  }
  if (r.status === 'restored') t.restored++;
  if (r.status !== 'lost') return;
  if (t.examples.length < MAX_EXAMPLES && !t.examples.some((e) => e.id === id)) {
    t.examples.push({ id, value: wireOf(plan.from, current), code: r.code, reason: r.reason });
  }
  for (const m of r.missing ?? []) {
    if (t.missingChoices.length >= MAX_MISSING) break;
    if (!t.missingChoices.includes(m)) t.missingChoices.push(m);
  }
}

function wireOf(field: FieldMeta, stored: unknown): unknown {
  if (isEmpty(stored)) return null;
  try {
    return getFieldType(field.type).toWire(stored, field);
  } catch {
    return stored;
  }
}
