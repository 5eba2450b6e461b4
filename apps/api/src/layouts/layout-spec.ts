/**
 * Card and table layouts as data. A card layout arranges fields in tabs → sections →
 * columns and lists linked records shown as sub-tables; a table layout orders and sizes
 * columns. Field references are keys on the wire; unknown keys are refused. A layout is
 * designed once for everyone and served to each reader cut to what they may read.
 */
import { DomainError, isUuid, type TableMeta } from '@tabula/schema-engine';
import { isPlainObject } from '@tabula/schema-engine';

export interface CardSpec {
  tabs: { title: string; sections: { title: string; columns: number; fields: string[] }[] }[];
  subtables: { field: string }[];
}

export interface TableSpec {
  columns: { field: string; width?: number }[];
  frozen?: number;
}

function bad(message: string, path: string): never {
  throw new DomainError('VALIDATION_FAILED', message, { [path]: { code: 'INVALID_LAYOUT', message } });
}

function title(v: unknown, path: string): string {
  if (v === undefined) return '';
  if (typeof v !== 'string' || v.length > 200) bad('a title is text of at most 200 characters', path);
  return v;
}

function fieldKey(table: TableMeta, v: unknown, path: string): string {
  if (typeof v !== 'string' || !table.fields.some((f) => f.key === v))
    bad(`"${String(v).slice(0, 60)}" is not a field of ${table.key}`, path);
  return v;
}

export function defaultCardSpec(table: TableMeta): CardSpec {
  const fields = table.fields.filter((f) => f.type !== 'link' || !(f.options as { multiple?: boolean }).multiple);
  const subtables = table.fields
    .filter((f) => f.type === 'link' && (f.options as { multiple?: boolean }).multiple)
    .map((f) => ({ field: f.key }));
  return {
    tabs: [{ title: 'Main', sections: [{ title: '', columns: fields.length > 6 ? 2 : 1, fields: fields.map((f) => f.key) }] }],
    subtables,
  };
}

export function defaultTableSpec(table: TableMeta): TableSpec {
  return { columns: table.fields.map((f) => ({ field: f.key })) };
}

export function parseCardSpec(table: TableMeta, raw: unknown): CardSpec {
  if (!isPlainObject(raw)) bad('spec must be an object {tabs, subtables}', 'spec');
  if (!Array.isArray(raw.tabs) || raw.tabs.length > 20) bad('tabs must be an array of at most 20 tabs', 'spec.tabs');
  const tabs = raw.tabs.map((t, i) => {
    if (!isPlainObject(t) || !Array.isArray(t.sections) || t.sections.length > 50) bad('a tab is {title, sections:[…]}', `spec.tabs[${i}]`);
    return {
      title: title(t.title, `spec.tabs[${i}].title`),
      sections: t.sections.map((s, j) => {
        const path = `spec.tabs[${i}].sections[${j}]`;
        if (!isPlainObject(s) || !Array.isArray(s.fields) || s.fields.length > 500) bad('a section is {title, columns, fields:[…]}', path);
        const columns = s.columns ?? 1;
        if (typeof columns !== 'number' || !Number.isInteger(columns) || columns < 1 || columns > 4)
          bad('columns is 1 to 4', `${path}.columns`);
        return {
          title: title(s.title, `${path}.title`),
          columns,
          fields: s.fields.map((f, k) => fieldKey(table, f, `${path}.fields[${k}]`)),
        };
      }),
    };
  });
  const subRaw = raw.subtables ?? [];
  if (!Array.isArray(subRaw) || subRaw.length > 20) bad('subtables must be an array', 'spec.subtables');
  const subtables = subRaw.map((s, i) => {
    if (!isPlainObject(s)) bad('a subtable is {field}', `spec.subtables[${i}]`);
    const key = fieldKey(table, s.field, `spec.subtables[${i}].field`);
    if (table.fields.find((f) => f.key === key)!.type !== 'link') bad('a subtable shows a link field', `spec.subtables[${i}].field`);
    return { field: key };
  });
  return { tabs, subtables };
}

export function parseTableSpec(table: TableMeta, raw: unknown): TableSpec {
  if (!isPlainObject(raw)) bad('spec must be an object {columns}', 'spec');
  if (!Array.isArray(raw.columns) || raw.columns.length > 500) bad('columns must be an array', 'spec.columns');
  const columns = raw.columns.map((c, i) => {
    if (!isPlainObject(c)) bad('a column is {field, width?}', `spec.columns[${i}]`);
    const width = c.width;
    if (width !== undefined && (typeof width !== 'number' || !Number.isInteger(width) || width < 30 || width > 2000))
      bad('width is 30 to 2000 pixels', `spec.columns[${i}].width`);
    return width === undefined
      ? { field: fieldKey(table, c.field, `spec.columns[${i}].field`) }
      : { field: fieldKey(table, c.field, `spec.columns[${i}].field`), width };
  });
  const frozen = raw.frozen;
  if (frozen !== undefined && (typeof frozen !== 'number' || !Number.isInteger(frozen) || frozen < 0 || frozen > 10))
    bad('frozen is 0 to 10 columns', 'spec.frozen');
  return frozen === undefined ? { columns } : { columns, frozen };
}

/** Stored specs name field ids (rename-proof); the wire names keys. */
export function specToIds(table: TableMeta, spec: unknown): unknown {
  return mapFieldRefs(spec, (key) => table.fields.find((f) => f.key === key)?.id ?? key);
}

/** A deleted field's id turns into null (and its column or sub-table is dropped); a system column (`created_at`) stays. */
export function specToKeys(table: TableMeta, spec: unknown): unknown {
  return mapFieldRefs(spec, (id) => table.fields.find((f) => f.id === id)?.key ?? (isUuid(id) ? null : id));
}

/**
 * A card layout as a reader sees it: only the fields of `readable` (the table as the reader
 * may read it), and a sub-table only when its linked table is readable too. A section or a
 * tab emptied by this goes as well — its title would tell what it holds; one designed empty
 * stays.
 */
export function cardForReader(spec: CardSpec, readable: TableMeta, canReadTable: (tableId: string) => boolean): CardSpec {
  const keys = new Set(readable.fields.map((f) => f.key));
  const tabs = spec.tabs
    .map((tab) => ({
      ...tab,
      sections: tab.sections
        .filter((s) => !s.fields.length || s.fields.some((k) => keys.has(k)))
        .map((s) => ({ ...s, fields: s.fields.filter((k) => keys.has(k)) })),
    }))
    .filter((tab, i) => tab.sections.length || !spec.tabs[i]!.sections.length);
  const subtables = spec.subtables.filter((s) => {
    const link = readable.fields.find((f) => f.key === s.field);
    return link !== undefined && canReadTable(String(link.options.table));
  });
  return { tabs, subtables };
}

/** A table layout as a reader sees it: only readable columns; `frozen` still counts the same leading columns. */
export function tableForReader(spec: TableSpec, readable: TableMeta): TableSpec {
  const keys = new Set(readable.fields.map((f) => f.key));
  const columns = spec.columns.filter((c) => keys.has(c.field));
  if (spec.frozen === undefined) return { columns };
  return { columns, frozen: spec.columns.slice(0, spec.frozen).filter((c) => keys.has(c.field)).length };
}

/**
 * Maps every field reference of a layout, a view's columns or a view's filter tree. A
 * reference to a deleted field (mapped to null) drops out of its list — a column, a
 * sub-table, a filter condition inside and/or, a `not` around one — so what is read back
 * is valid and saves again (GET /api/config → PUT round-trips after deletions).
 */
function mapFieldRefs(spec: unknown, map: (ref: string) => string | null): unknown {
  // only an object naming a deleted field maps to null: a null among filter values stays
  if (Array.isArray(spec)) {
    return spec.flatMap((s) => {
      const m = mapFieldRefs(s, map);
      return m === null && isPlainObject(s) ? [] : [m];
    });
  }
  if (!isPlainObject(spec)) return spec;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'field' && typeof v === 'string') out[k] = map(v);
    else if (k === 'fields' && Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? map(x) : x)).filter((x) => x !== null);
    else out[k] = mapFieldRefs(v, map);
  }
  return ('field' in out && out.field === null) || ('not' in out && out.not === null) ? null : out;
}
