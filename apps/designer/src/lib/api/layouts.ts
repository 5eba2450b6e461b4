/**
 * Card and table layouts and saved views of a table. The endpoints may be missing on an
 * older server: reads then fall back to a layout made from the fields, and callers can
 * tell the user that saving is not available yet.
 */
import { api, enc, isMissingEndpoint } from './client';
import type { CardLayout, SavedView, Table, TableLayout } from './types';
import { features } from '../state/features.svelte';
import { fieldTypes } from '../field-types/registry';

export function defaultCardLayout(t: Table): CardLayout {
  const fields = [...t.fields].sort((a, b) => a.position - b.position);
  const plain = fields.filter((f) => f.type !== 'link' || !f.options?.multiple);
  const subtables = fields.filter((f) => f.type === 'link' && f.options?.multiple).map((f) => ({ field: f.key }));
  return { tabs: [{ title: 'Main', sections: [{ title: t.label, columns: 2, fields: plain.map((f) => f.key) }] }], subtables };
}

export function defaultTableLayout(t: Table): TableLayout {
  return { columns: [...t.fields].sort((a, b) => a.position - b.position).map((f) => ({ field: f.key, width: defaultWidth(f.type) })) };
}

export function defaultWidth(type: string): number {
  const ft = fieldTypes.get(type);
  if (type === 'boolean') return 90;
  if (type === 'longText') return 260;
  if (ft.align === 'right') return 140;
  if (type === 'date') return 130;
  if (type === 'dateTime') return 170;
  return 180;
}

/** Drops keys of fields that no longer exist, so a stale layout never breaks a screen. */
function cleanCard(t: Table, spec: CardLayout | undefined): CardLayout {
  if (!spec || !Array.isArray(spec.tabs) || !spec.tabs.length) return defaultCardLayout(t);
  const keys = new Set(t.fields.map((f) => f.key));
  return {
    tabs: spec.tabs.map((tab) => ({
      title: tab.title ?? '',
      sections: (tab.sections ?? []).map((s) => ({
        title: s.title ?? '',
        columns: Math.min(4, Math.max(1, s.columns ?? 1)),
        fields: (s.fields ?? []).filter((k) => keys.has(k)),
      })),
    })),
    subtables: (spec.subtables ?? []).filter((s) => keys.has(s.field)),
  };
}

export const layouts = {
  available(kind: 'card' | 'table'): boolean {
    return features.has(`/api/tables/:table/layouts/${kind}`) || features.has('/api/tables/:table/layouts/:kind');
  },

  async card(t: Table): Promise<CardLayout> {
    await features.load();
    if (!this.available('card')) return defaultCardLayout(t);
    try {
      const r = await api.get<{ spec: CardLayout | null }>(`/tables/${enc(t.key)}/layouts/card`, { quiet: true });
      return cleanCard(t, r?.spec ?? undefined);
    } catch (e) {
      if (isMissingEndpoint(e)) return defaultCardLayout(t);
      throw e;
    }
  },

  async table(t: Table): Promise<TableLayout> {
    await features.load();
    if (!this.available('table')) return defaultTableLayout(t);
    try {
      const r = await api.get<{ spec: TableLayout | null }>(`/tables/${enc(t.key)}/layouts/table`, { quiet: true });
      const keys = new Set(t.fields.map((f) => f.key));
      const cols = (r?.spec?.columns ?? []).filter((c) => keys.has(c.field));
      return cols.length ? { columns: cols } : defaultTableLayout(t);
    } catch (e) {
      if (isMissingEndpoint(e)) return defaultTableLayout(t);
      throw e;
    }
  },

  saveCard: (t: Table, spec: CardLayout) => api.put(`/tables/${enc(t.key)}/layouts/card`, { spec }),
  saveTable: (t: Table, spec: TableLayout) => api.put(`/tables/${enc(t.key)}/layouts/table`, { spec }),
};

export const views = {
  available(): boolean {
    return features.has('/api/tables/:table/views');
  },
  async list(t: Table): Promise<SavedView[]> {
    await features.load();
    if (!this.available()) return [];
    try {
      const r = await api.get<{ items: SavedView[] } | SavedView[]>(`/tables/${enc(t.key)}/views`, { quiet: true });
      return Array.isArray(r) ? r : (r.items ?? []);
    } catch (e) {
      if (isMissingEndpoint(e)) return [];
      throw e;
    }
  },
  create: (t: Table, v: Omit<SavedView, 'id'>) => api.post<SavedView>(`/tables/${enc(t.key)}/views`, v),
  update: (t: Table, id: string, v: Partial<SavedView>) => api.patch<SavedView>(`/tables/${enc(t.key)}/views/${enc(id)}`, v),
  remove: (t: Table, id: string) => api.del(`/tables/${enc(t.key)}/views/${enc(id)}`),
};
