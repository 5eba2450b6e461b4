/** The card layout editor's working model (ids for drag and drop) and its spec form. */
import type { CardLayout, Table } from '../api/types';

export type FItem = { id: string };
export interface SecModel {
  id: string;
  title: string;
  columns: number;
  items: FItem[];
}
export interface TabModel {
  id: string;
  title: string;
  sections: SecModel[];
}

let seq = 0;
export const newId = (p: string) => `${p}${++seq}`;

export function toModel(t: Table, spec: CardLayout): { tabs: TabModel[]; palette: FItem[]; subtables: string[] } {
  const placed = new Set<string>();
  const tabs = spec.tabs.map((tab) => ({
    id: newId('t'),
    title: tab.title,
    sections: tab.sections.map((s) => ({
      id: newId('s'),
      title: s.title,
      columns: s.columns,
      items: s.fields.filter((k) => !placed.has(k) && placed.add(k)).map((k) => ({ id: k })),
    })),
  }));
  const subtables = (spec.subtables ?? []).map((s) => s.field);
  const palette = [...t.fields]
    .sort((a, b) => a.position - b.position)
    .filter((f) => !placed.has(f.key))
    .map((f) => ({ id: f.key }));
  return { tabs, palette, subtables };
}

export function toSpec(tabs: TabModel[], subtables: string[]): CardLayout {
  return {
    tabs: tabs.map((t) => ({
      title: t.title,
      sections: t.sections.map((s) => ({ title: s.title, columns: s.columns, fields: s.items.map((i) => i.id) })),
    })),
    subtables: subtables.map((field) => ({ field })),
  };
}
