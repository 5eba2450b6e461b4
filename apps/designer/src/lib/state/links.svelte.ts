/**
 * The names of linked records (their primary field), fetched in batches: cells ask for a
 * label, unknown ids are collected for one tick and read with one `id in [...]` query per
 * table. Labels are reactive, so cells update when the batch arrives.
 */
import { SvelteMap } from 'svelte/reactivity';
import { api, enc } from '../api/client';
import type { RecordT, Table } from '../api/types';
import { schema } from './schema.svelte';
import { fieldTypes } from '../field-types/registry';

const labels = new SvelteMap<string, string>();
const queued = new Map<string, Set<string>>();
let timer: ReturnType<typeof setTimeout> | null = null;

export function primaryLabel(t: Table | undefined, r: RecordT): string {
  if (!t) return r.id.slice(-6);
  const pf = t.fields.find((f) => f.key === t.primaryField) ?? t.fields[0];
  if (!pf) return r.id.slice(-6);
  const text = fieldTypes.get(pf.type).format(r.data[pf.key], pf);
  return text || '(no name)';
}

export function linkLabel(tableRef: string, id: string): string {
  const key = `${tableRef}:${id}`;
  const l = labels.get(key);
  if (l !== undefined) return l;
  let set = queued.get(tableRef);
  if (!set) queued.set(tableRef, (set = new Set()));
  set.add(id);
  timer ??= setTimeout(flush, 0);
  return '…';
}

/** Records known now (e.g. just created or picked) need no request. */
export function rememberLabel(tableRef: string, r: RecordT): void {
  const t = schema.table(tableRef);
  const text = primaryLabel(t, r);
  labels.set(`${tableRef}:${r.id}`, text);
  if (t) {
    labels.set(`${t.key}:${r.id}`, text);
    labels.set(`${t.id}:${r.id}`, text);
  }
}

async function flush(): Promise<void> {
  timer = null;
  const batches = [...queued.entries()];
  queued.clear();
  for (const [tableRef, ids] of batches) {
    const list = [...ids];
    for (const id of list) labels.set(`${tableRef}:${id}`, '…');
    try {
      const r = await api.post<{ items: RecordT[] }>(
        `/tables/${enc(tableRef)}/records/query`,
        { filter: { field: 'id', op: 'in', value: list }, limit: Math.min(1000, list.length) },
        { quiet: true },
      );
      for (const rec of r.items) rememberLabel(tableRef, rec);
      for (const id of list) if (labels.get(`${tableRef}:${id}`) === '…') labels.set(`${tableRef}:${id}`, '(not visible)');
    } catch {
      for (const id of list) labels.set(`${tableRef}:${id}`, id.slice(-6));
    }
  }
}

/** Names that came with a list (`expand=links`): `{fieldKey: [{id, name, readable}]}` per record. */
export function rememberExpanded(t: Table, recs: RecordT[]): void {
  for (const f of t.fields) {
    if (f.type !== 'link') continue;
    const target = schema.table(f.options?.table);
    const pf = target?.fields.find((x) => x.key === target.primaryField);
    for (const r of recs) {
      for (const ref of r.expanded?.[f.key] ?? []) {
        const text = !ref.readable
          ? '(hidden)'
          : pf
            ? fieldTypes.get(pf.type).format(ref.name, pf) || '(no name)'
            : String(ref.name ?? ref.id.slice(-6));
        labels.set(`${f.options?.table}:${ref.id}`, text);
        if (target) labels.set(`${target.key}:${ref.id}`, text);
      }
    }
  }
}
