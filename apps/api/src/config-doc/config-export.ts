/**
 * The stored configuration as a document: ids become keys (a link's table, a lookup's link
 * and field, an autonumber's date field), formulas are shown in their display form, the
 * options the API derives (a formula's stored form and result type, a link's pair and
 * side) are left out, and inverse link fields are folded into their primary side as
 * `inverseKey`/`inverseLabel`. Tables and fields come in position order, so the same
 * configuration always gives the same document.
 */
import { derivationOf, linkOptions, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import {
  CONFIG_FORMAT,
  CONFIG_VERSION,
  type ConfigDocument,
  type ConfigField,
  type ConfigLayouts,
  type ConfigRole,
  type ConfigView,
  type WorkspaceSettings,
} from './config-doc.types.js';

export interface StoredConfiguration {
  workspace: WorkspaceSettings;
  tables: TableMeta[];
  /** Saved layouts only, by table id (a table without one shows the default layout). */
  layouts: Map<string, ConfigLayouts>;
  views: Map<string, ConfigView[]>;
  roles?: ConfigRole[];
}

function keyOf(table: TableMeta | undefined, id: unknown): unknown {
  return table?.fields.find((f) => f.id === id)?.key ?? id;
}

/** A field's options as the document carries them: references by key, nothing the API fills in. */
export function optionsOf(table: TableMeta, field: FieldMeta, byId: (id: string) => TableMeta | undefined): Record<string, unknown> {
  const o = field.options;
  const d = derivationOf(field);
  // a derived field: only its sources (SOURCE_OPTIONS), the rest is derived again when applied
  if (d?.kind === 'formula') return { expression: d.expression };
  if (d) {
    const link = table.fields.find((f) => f.id === d.link);
    const target = link ? byId(linkOptions(link).table) : undefined;
    const out: Record<string, unknown> = { link: link?.key ?? d.link };
    if (d.field !== null) out.field = keyOf(target, d.field);
    if (d.kind === 'aggregate') out.aggregate = d.fn;
    return out;
  }
  switch (field.type) {
    case 'link': {
      const lo = linkOptions(field);
      const target = byId(lo.table);
      const pair = lo.pair ? target?.fields.find((f) => f.id === lo.pair) : undefined;
      return {
        table: target?.key ?? lo.table,
        multiple: lo.multiple,
        onDelete: lo.onDelete,
        ...(pair ? { inverseKey: pair.key, inverseLabel: pair.label } : {}),
      };
    }
    case 'autonumber':
      return typeof o.dateField === 'string' ? { ...o, dateField: keyOf(table, o.dateField) } : o;
    default:
      return o;
  }
}

function fieldOf(table: TableMeta, field: FieldMeta, byId: (id: string) => TableMeta | undefined): ConfigField {
  return {
    key: field.key,
    label: field.label,
    type: field.type,
    options: optionsOf(table, field, byId),
    required: field.required,
    unique: field.unique,
    default: field.defaultValue ?? null,
    searchable: field.searchable,
  };
}

/** An inverse link is recreated by its primary side; it is not a field to create. */
export function isInverseLink(field: FieldMeta): boolean {
  return field.type === 'link' && linkOptions(field).side === 'inverse';
}

export function exportConfig(stored: StoredConfiguration): ConfigDocument {
  const byId = new Map(stored.tables.map((t) => [t.id, t]));
  const lookup = (id: string) => byId.get(id);
  const tables = [...stored.tables].sort((a, b) => a.position - b.position);
  const layouts: Record<string, ConfigLayouts> = {};
  const views: Record<string, ConfigView[]> = {};
  for (const t of tables) {
    const l = stored.layouts.get(t.id);
    if (l && (l.card !== undefined || l.table !== undefined)) layouts[t.key] = l;
    const v = stored.views.get(t.id);
    if (v?.length) views[t.key] = v;
  }
  const w = stored.workspace;
  return {
    format: CONFIG_FORMAT,
    version: CONFIG_VERSION,
    workspace: { name: w.name, baseCurrency: w.baseCurrency, timeZone: w.timeZone, locale: w.locale },
    tables: tables.map((t) => ({
      key: t.key,
      label: t.label,
      primaryField: t.fields.find((f) => f.id === t.primaryFieldId)?.key ?? null,
      fields: [...t.fields]
        .sort((a, b) => a.position - b.position)
        .filter((f) => !isInverseLink(f))
        .map((f) => fieldOf(t, f, lookup)),
    })),
    layouts,
    views,
    ...(stored.roles ? { roles: stored.roles } : {}),
  };
}
