/**
 * Link-fed computed values of records being created, evaluated before their INSERT so
 * that each new row is written once (issue 7). A new record is linked only through the
 * links sent with it, which the same transaction writes: its lookups are the values of
 * those linked records, read by primary key, in the order the link table will give them
 * (position for the owning side, the other record's id for the inverse side). Rollups and
 * aggregates over links are left to the post-write recompute (`canEvaluateNew` false).
 */
import { derivedKind, getFieldType, linkStorage, type FieldMeta } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import type { RecordStore } from '../store/record-store.js';
import { SYSTEM } from '../store/row-scope.js';
import type { LookupSpec, TablePlan } from './computed-plan.js';

/**
 * Whether every link-fed field of the table can be evaluated from the links sent with new
 * records: lookups and formulas without aggregates, and no lookup into the table itself
 * (a new record may link to another of the same batch, not inserted yet when it is read).
 */
export function canEvaluateNew(plan: TablePlan): boolean {
  return (
    plan.linked.every((f) => derivedKind(f) === 'lookup' || plan.formulas.get(f.id)?.aggregates.length === 0) &&
    [...plan.lookups.values()].every((l) => l.target.id !== plan.table.id)
  );
}

/** The links sent with each new record: record id → link field id → linked ids in the order sent. */
export type NewLinks = Map<string, Map<string, string[]>>;

/** lookup field id → new record id → the linked records' values (wire form), as `lookupValues` gives them once the links are written. */
export async function lookupValuesForNew(
  sql: Sql,
  store: RecordStore,
  specs: Map<string, LookupSpec>,
  links: NewLinks,
): Promise<Map<string, Map<string, unknown[]>>> {
  const out = new Map<string, Map<string, unknown[]>>();
  for (const [fieldId, spec] of specs) {
    const map = new Map<string, unknown[]>();
    out.set(fieldId, map);
    const all = new Set<string>();
    for (const byField of links.values()) for (const id of byField.get(spec.link.id) ?? []) all.add(id);
    if (!all.size) continue;
    // live records only, as the link reads (a missing one fails the link write in the same transaction)
    const rows = await store.liveValues(sql, spec.target, [...all], spec.field.slot, SYSTEM);
    const value = new Map(rows.map((r) => [r.id, r.v]));
    const def = getFieldType(spec.field.type);
    const ordered = ownsLinks(spec.link) ? (ids: string[]) => ids : (ids: string[]) => [...ids].sort();
    for (const [recordId, byField] of links) {
      const list: unknown[] = [];
      for (const id of ordered(byField.get(spec.link.id) ?? [])) {
        const v = value.get(id);
        if (v !== null && v !== undefined) list.push(def.toWire(v, spec.field));
      }
      if (list.length) map.set(recordId, list);
    }
  }
  return out;
}

/** The owning side orders its links by position (the order sent); the inverse side by the other record's id. */
function ownsLinks(link: FieldMeta): boolean {
  return linkStorage(link).self === 'from_id';
}
