/** Grid columns: fields in the order and widths of the table layout or a saved view. */
import type { Field, Table } from '../api/types';
import { defaultWidth } from '../api/layouts';

export interface Column {
  field: Field;
  width: number;
}

export interface SortKey {
  key: string;
  desc: boolean;
}

export function columnsFrom(t: Table, spec: { field: string; width?: number }[] | null | undefined): Column[] {
  const out: Column[] = [];
  for (const c of spec ?? []) {
    const f = t.fields.find((x) => x.key === c.field);
    if (f && !out.some((o) => o.field.key === f.key)) out.push({ field: f, width: clampWidth(c.width ?? defaultWidth(f.type)) });
  }
  if (!out.length)
    for (const f of [...t.fields].sort((a, b) => a.position - b.position)) out.push({ field: f, width: defaultWidth(f.type) });
  return out;
}

export function clampWidth(w: number): number {
  return Math.max(60, Math.min(800, Math.round(w)));
}

export function sortToParam(sort: SortKey[]): string {
  return sort.map((s) => (s.desc ? '-' : '') + s.key).join(',');
}

export function sortFromParam(s: string | null | undefined): SortKey[] {
  if (!s) return [];
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => (x.startsWith('-') ? { key: x.slice(1), desc: true } : { key: x, desc: false }));
}
