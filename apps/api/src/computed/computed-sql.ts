/**
 * The SQL reads of the computed engine: aggregates over the live linked records (one
 * grouped query per aggregate for the whole set of parents) and lookup values.
 */
import {
  compileFilter,
  effectiveField,
  getFieldType,
  linkStorage,
  slotLiteral,
  SqlBuilder,
  uuidLiteral,
  type ValueContext,
} from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import { lateralLiveRecord } from '../store/record-store.js';
import { SYSTEM } from '../store/row-scope.js';
import type { AggSpec, LookupSpec } from './computed-plan.js';

function join(spec: { link: AggSpec['link']; target: AggSpec['target'] }): { from: string; self: string; fieldId: string } {
  const s = linkStorage(spec.link);
  return {
    self: `l.${s.self}`,
    fieldId: s.fieldId,
    // computed values see every linked record (a preview's reader scope is a WHERE condition on `t`)
    from: `record_link l ${lateralLiveRecord('t', spec.target.id, s.other, SYSTEM)}`,
  };
}

/**
 * aggregate key → record id → value in wire form (decimal string, {amount,currency}, date text, or a cell error).
 * A spec with a `scope` counts only the linked records within it, compiled to SQL like every read (`ctx` then required).
 */
export async function aggregateValues(
  sql: Sql,
  ws: string,
  specs: AggSpec[],
  ids: string[],
  ctx?: ValueContext,
): Promise<Map<string, Map<string, unknown>>> {
  const out = new Map<string, Map<string, unknown>>();
  for (const spec of specs) {
    const j = join(spec);
    const map = new Map<string, unknown>();
    out.set(spec.key, map);
    const field = spec.field ? effectiveField(spec.field) : null;
    const kind = field ? getFieldType(field.type).sqlKind : null;
    const b = new SqlBuilder();
    let where = `l.workspace_id = ${b.param(ws, 'uuid')} AND l.field_id = ${uuidLiteral(j.fieldId)} AND ${j.self} = ANY(${b.param(ids, 'uuid[]')})`;
    if (spec.scope !== undefined) {
      if (!ctx) throw new Error('a scoped aggregate needs the value context');
      where += ` AND COALESCE(${compileFilter(spec.target, spec.scope, { alias: 't', sql: b, ...ctx })}, FALSE)`;
    }
    if (spec.fn === 'COUNT' || !field) {
      const cond = field
        ? ` AND (${getFieldType(field.type).sqlKind === 'jsonb' ? `t.data ? ${slotLiteral(field.slot)}` : `${getFieldType(field.type).sqlExpr(field, 't')} IS NOT NULL`})`
        : '';
      const rows = await sql.query<{ rid: string; v: string }>(
        `SELECT ${j.self} AS rid, count(*)::text AS v FROM ${j.from} WHERE ${where}${cond} GROUP BY ${j.self}`,
        b.values,
      );
      for (const r of rows) map.set(r.rid, r.v);
      if (spec.fn === 'COUNT' || spec.key.startsWith('rollup:')) for (const id of ids) if (!map.has(id)) map.set(id, '0');
      continue;
    }
    const fn = spec.fn === 'AVG' ? 'avg' : spec.fn.toLowerCase();
    if (field.type === 'money') {
      const amount = `(t.data->${slotLiteral(field.slot)}->>'a')::numeric`;
      const cur = `t.data->${slotLiteral(field.slot)}->>'c'`;
      const agg = fn === 'avg' ? `round(avg(${amount}), 10)` : `${fn}(${amount})`;
      const rows = await sql.query<{ rid: string; v: string | null; c1: string | null; c2: string | null }>(
        `SELECT ${j.self} AS rid, ${agg}::text AS v, min(${cur}) AS c1, max(${cur}) AS c2 FROM ${j.from} WHERE ${where} AND t.data ? ${slotLiteral(field.slot)} GROUP BY ${j.self}`,
        b.values,
      );
      for (const r of rows) {
        if (r.v === null) continue;
        map.set(
          r.rid,
          r.c1 !== r.c2
            ? { error: '#VALUE!', message: `amounts in ${r.c1} and ${r.c2} cannot be added without CONVERT` }
            : { amount: r.v, currency: r.c1 },
        );
      }
      if (spec.fn === 'SUM' && typeof field.options.currency === 'string')
        for (const id of ids) if (!map.has(id)) map.set(id, { amount: '0', currency: field.options.currency });
    } else if (kind === 'numeric') {
      const expr = getFieldType(field.type).sqlExpr(field, 't');
      const agg = fn === 'avg' ? `round(avg(${expr}), 10)` : `${fn}(${expr})`;
      const rows = await sql.query<{ rid: string; v: string | null }>(
        `SELECT ${j.self} AS rid, ${agg}::text AS v FROM ${j.from} WHERE ${where} GROUP BY ${j.self}`,
        b.values,
      );
      for (const r of rows) if (r.v !== null) map.set(r.rid, r.v);
      if (spec.fn === 'SUM') for (const id of ids) if (!map.has(id)) map.set(id, '0');
    } else if ((fn === 'min' || fn === 'max') && (kind === 'date' || kind === 'datetime' || kind === 'text')) {
      const expr = getFieldType(field.type).sqlExpr(field, 't');
      const rows = await sql.query<{ rid: string; v: string | null }>(
        `SELECT ${j.self} AS rid, ${fn}(${expr})::text AS v FROM ${j.from} WHERE ${where} GROUP BY ${j.self}`,
        b.values,
      );
      for (const r of rows) if (r.v !== null) map.set(r.rid, r.v);
    } else {
      for (const id of ids) map.set(id, { error: '#VALUE!', message: `${spec.fn} does not apply to ${field.type} values` });
    }
  }
  return out;
}

/** lookup field id → record id → the linked records' values (wire form), in link order. */
export async function lookupValues(
  sql: Sql,
  ws: string,
  specs: Map<string, LookupSpec>,
  ids: string[],
): Promise<Map<string, Map<string, unknown[]>>> {
  const out = new Map<string, Map<string, unknown[]>>();
  for (const [fieldId, spec] of specs) {
    const j = join(spec);
    const map = new Map<string, unknown[]>();
    out.set(fieldId, map);
    const s = linkStorage(spec.link);
    const order = s.self === 'from_id' ? 'l.position, l.to_id' : 'l.from_id';
    const rows = await sql.query<{ rid: string; v: unknown }>(
      `SELECT ${j.self} AS rid, t.data->${slotLiteral(spec.field.slot)} AS v FROM ${j.from}
        WHERE l.workspace_id = $1 AND l.field_id = ${uuidLiteral(j.fieldId)} AND ${j.self} = ANY($2::uuid[]) ORDER BY ${j.self}, ${order} `,
      [ws, ids],
    );
    const def = getFieldType(spec.field.type);
    for (const r of rows) {
      if (r.v === null || r.v === undefined) continue;
      const list = map.get(r.rid) ?? [];
      list.push(def.toWire(r.v, spec.field));
      map.set(r.rid, list);
    }
  }
  return out;
}
