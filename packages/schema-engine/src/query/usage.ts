/**
 * What a list request asks of the database, for the index advisor: the fields compared for
 * equality at the top level of the filter, the fields filtered otherwise, and the order
 * (first sort key and its direction). With the expressions the queries use, character for
 * character, so that an index built from them serves the query (see README.md).
 */
import { effectiveField, getFieldType } from '../registry.js';
import type { FieldMeta, TableMeta } from '../types.js';
import { parseFilterParam } from './filter-compiler.js';
import { SqlBuilder, slotText } from './sql-builder.js';
import { systemColumn } from './system-columns.js';

export interface ListUsage {
  /** Fields compared with `eq` in the top-level AND of the filter (an index can lead with them). */
  eq: FieldMeta[];
  /** Other fields of the filter: ranges and the rest (a single-field index may serve them). */
  filtered: FieldMeta[];
  /**
   * The order: `field` is the first sort key (undefined when the list is ordered by `id`);
   * undefined when the first key is another system column (no advice for it).
   */
  order?: { field?: FieldMeta; desc: boolean };
}

const RANGE_OPS = new Set(['eq', 'lt', 'lte', 'gt', 'gte', 'between', 'in']);

/**
 * The usage of a list request whose parameters were already accepted by `buildListQuery`
 * (unknown keys are skipped here rather than refused).
 */
export function listUsage(table: TableMeta, params: { filter?: unknown; sort?: unknown }): ListUsage {
  const byKey = new Map(table.fields.map((f) => [f.key, f]));
  const eq = new Map<string, FieldMeta>();
  const filtered = new Map<string, FieldMeta>();
  let filter: unknown;
  try {
    filter = parseFilterParam(params.filter);
  } catch {
    filter = undefined;
  }
  const visit = (node: unknown, top: boolean): void => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    const n = node as Record<string, unknown>;
    if (Array.isArray(n.and)) return n.and.forEach((c) => visit(c, top));
    if (Array.isArray(n.or)) return n.or.forEach((c) => visit(c, false));
    if ('not' in n) return visit(n.not, false);
    const field = typeof n.field === 'string' ? byKey.get(n.field) : undefined;
    if (!field || typeof n.op !== 'string') return;
    if (top && n.op === 'eq' && equalityIndexable(field)) eq.set(field.id, field);
    else if (RANGE_OPS.has(n.op)) filtered.set(field.id, field);
  };
  visit(filter, true);
  for (const id of eq.keys()) filtered.delete(id);

  let order: ListUsage['order'] = { desc: false };
  if (typeof params.sort === 'string') {
    const first = params.sort
      .split(',')
      .map((s) => s.trim())
      .find(Boolean);
    if (first) {
      const desc = first.startsWith('-');
      const key = desc || first.startsWith('+') ? first.slice(1) : first;
      if (key === 'id') order = { desc };
      else if (systemColumn(key)) order = undefined;
      else {
        const field = byKey.get(key);
        order = field && sortIndexExpr(field, '') ? { field, desc } : undefined;
      }
    }
  }
  return { eq: [...eq.values()].sort(bySlot), filtered: [...filtered.values()].sort(bySlot), ...(order ? { order } : {}) };
}

function bySlot(a: FieldMeta, b: FieldMeta): number {
  return Number(a.slot.slice(1)) - Number(b.slot.slice(1));
}

/** `eq` compiles to `(sqlExpr) = $n` (no type-specific operator), so an index on sqlExpr serves it. */
function equalityIndexable(field: FieldMeta): boolean {
  const eff = effectiveField(field);
  const def = getFieldType(eff.type);
  return !def.compileOp && def.sqlKind !== 'jsonb';
}

/** The expression a filter on the field compares (undefined when it has none in `data`). */
export function filterIndexExpr(field: FieldMeta, alias: string): string | undefined {
  const eff = effectiveField(field);
  const def = getFieldType(eff.type);
  if (def.sqlKind === 'jsonb' || eff.type === 'link') return undefined;
  try {
    return def.sqlExpr(eff, alias);
  } catch {
    return undefined;
  }
}

/**
 * The expression an ORDER BY on the field uses, when it is a plain expression an index can
 * hold (a select sorts by the position of its choices, a bound parameter: no index).
 */
export function sortIndexExpr(field: FieldMeta, alias: string): string | undefined {
  const eff = effectiveField(field);
  const def = getFieldType(eff.type);
  if (!def.sortable) return undefined;
  try {
    if (!def.sortExpr) return def.sqlExpr(eff, alias);
    const probe = new SqlBuilder();
    const expr = def.sortExpr(eff, alias, probe);
    return probe.values.length === 0 ? expr : undefined;
  } catch {
    return undefined; // a volatile formula cannot be sorted on
  }
}

/**
 * The expressions the planner needs statistics on for a field: its filter and sort
 * expressions, the text quick search reads, and for dates the month a pivot groups by.
 * Distinct, in a fixed order; empty when the field has no value in `data`.
 */
export function statisticsExprs(field: FieldMeta, alias: string): string[] {
  const eff = effectiveField(field);
  const out: string[] = [];
  const add = (e: string | undefined) => {
    if (e && !out.includes(e)) out.push(e);
  };
  const filterExpr = filterIndexExpr(field, alias);
  add(filterExpr);
  add(sortIndexExpr(field, alias));
  if (getFieldType(field.type).searchable) add(slotText(alias, field.slot));
  if (filterExpr && (eff.type === 'date' || eff.type === 'dateTime')) add(`left(${filterExpr}, 7)`);
  return out;
}
