/**
 * What would change if a document replaced the stored configuration: PUT /api/config on a
 * workspace that already has tables answers this list and changes nothing. Both sides are
 * in normal form (the stored one from exportConfig, the document from validateConfig), so
 * equal designs give no differences. Things are matched by key (tables, fields), by table
 * and kind (layouts) and by name (views, roles); paths read `tables.orders.fields.total.options`.
 */
import type { ConfigDifference, ConfigDocument, ConfigField, ConfigTable } from './config-doc.types.js';

/** JSON with sorted object keys: equality that ignores key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export const sameJson = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

const FIELD_PROPS = ['label', 'type', 'options', 'required', 'unique', 'default', 'searchable'] as const;

/** Added, removed and changed members of two keyed lists; `inner` compares the members present in both. */
function byKey<T>(
  out: ConfigDifference[],
  path: string,
  current: T[],
  wanted: T[],
  keyOf: (x: T) => string,
  inner: (path: string, a: T, b: T) => void,
): void {
  const cur = new Map(current.map((x) => [keyOf(x), x]));
  const want = new Map(wanted.map((x) => [keyOf(x), x]));
  for (const [k, a] of cur) {
    const b = want.get(k);
    if (b === undefined) out.push({ path: `${path}.${k}`, kind: 'removed', from: a });
    else inner(`${path}.${k}`, a, b);
  }
  for (const [k, b] of want) if (!cur.has(k)) out.push({ path: `${path}.${k}`, kind: 'added', to: b });
  // the order of the members both sides have
  const common = (list: T[], other: Map<string, T>) => list.map(keyOf).filter((k) => other.has(k));
  const a = common(current, want);
  const b = common(wanted, cur);
  if (!sameJson(a, b)) out.push({ path, kind: 'changed', from: a, to: b });
}

function changed(out: ConfigDifference[], path: string, from: unknown, to: unknown): void {
  if (!sameJson(from, to)) out.push({ path, kind: 'changed', from, to });
}

function diffTable(out: ConfigDifference[], path: string, a: ConfigTable, b: ConfigTable): void {
  changed(out, `${path}.label`, a.label, b.label);
  changed(out, `${path}.primaryField`, a.primaryField, b.primaryField);
  byKey<ConfigField>(
    out,
    `${path}.fields`,
    a.fields,
    b.fields,
    (f) => f.key,
    (p, x, y) => {
      for (const prop of FIELD_PROPS) changed(out, `${p}.${prop}`, x[prop], y[prop]);
    },
  );
}

function entries<T>(o: Record<string, T> | undefined): [string, T][] {
  return Object.entries(o ?? {});
}

export function diffConfig(current: ConfigDocument, wanted: ConfigDocument): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  if (wanted.workspace) {
    for (const [k, v] of Object.entries(wanted.workspace))
      changed(out, `workspace.${k}`, (current.workspace as Record<string, unknown> | undefined)?.[k], v);
  }
  byKey(
    out,
    'tables',
    current.tables,
    wanted.tables,
    (t) => t.key,
    (p, a, b) => diffTable(out, p, a, b),
  );
  const layoutList = (d: ConfigDocument) =>
    entries(d.layouts).flatMap(([t, l]) => entries(l as Record<string, unknown>).map(([kind, spec]) => ({ id: `${t}.${kind}`, spec })));
  byKey(
    out,
    'layouts',
    layoutList(current),
    layoutList(wanted),
    (l) => l.id,
    (p, a, b) => changed(out, p, a.spec, b.spec),
  );
  const viewList = (d: ConfigDocument) => entries(d.views).flatMap(([t, vs]) => vs.map((v) => ({ id: `${t}.${v.name}`, v })));
  byKey(
    out,
    'views',
    viewList(current),
    viewList(wanted),
    (x) => x.id,
    (p, a, b) => changed(out, p, a.v, b.v),
  );
  if (wanted.roles)
    byKey(
      out,
      'roles',
      current.roles ?? [],
      wanted.roles,
      (r) => r.name,
      (p, a, b) => changed(out, `${p}.rules`, a.rules, b.rules),
    );
  // the order of layouts, views and roles in the document says nothing (tables and fields have one)
  return out.filter((d) => !(['layouts', 'views', 'roles'].includes(d.path) && d.kind === 'changed'));
}
