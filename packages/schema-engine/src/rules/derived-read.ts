/**
 * Reading a derived field is reading what it is computed from. A formula, lookup or rollup
 * (every type with FieldTypeDef.derived) stores its value with the record, for everyone; a reader may see it only when they may
 * read every field it reads — on its own table, and across a link on the linked table,
 * where they must also see every row (a lookup of a client's name through an order's link
 * would otherwise show a name the reader may not see, and a sum over rows they may not see
 * tells something of them). A field they may not read is absent from every answer, and a
 * filter or sort on it is the 400 of a field that does not exist. See ADR 0005.
 */
import { derivationOf } from '../derived.js';
import type { FieldMeta, TableMeta } from '../types.js';

/** What a reader may do with one table: read it at all, which rows (undefined: all), which fields. */
export interface TableReadView {
  allowed: boolean;
  scope: unknown;
  field(fieldId: string): boolean;
}

/** `{fieldId}` and `{linkId}.{fieldId}` references of a formula's stored form. */
export function storedFormulaRefs(stored: string): { field: string; through?: string }[] {
  const out: { field: string; through?: string }[] = [];
  const re = /\{([^{}]+)\}(?:\.\{([^{}]+)\})?/g;
  for (let m = re.exec(stored); m; m = re.exec(stored)) out.push(m[2] ? { field: m[2], through: m[1] } : { field: m[1]! });
  return out;
}

/**
 * A field reader for `table` that applies the base rights of every table and the rule above
 * to computed fields (transitively, across links; a cycle reads as unreadable).
 */
export function derivedFieldReader(
  table: TableMeta,
  rightsOf: (t: TableMeta) => TableReadView,
  tableById: (id: string) => TableMeta | undefined,
): (f: FieldMeta) => boolean {
  const views = new Map<string, TableReadView>();
  const view = (t: TableMeta) => {
    let v = views.get(t.id);
    if (!v) views.set(t.id, (v = rightsOf(t)));
    return v;
  };
  const memo = new Map<string, boolean>();
  const visiting = new Set<string>();

  /** Every row of the link's target readable, and its field (if any) readable there. */
  const acrossLink = (t: TableMeta, linkId: unknown, fieldId: unknown): boolean => {
    const link = t.fields.find((x) => x.id === linkId || x.key === linkId);
    if (!link || link.type !== 'link' || !readable(t, link)) return false;
    const target = tableById(String((link.options as { table?: unknown }).table ?? ''));
    if (!target) return false;
    const tv = view(target);
    if (!tv.allowed || tv.scope !== undefined) return false;
    if (fieldId === undefined || fieldId === null) return true;
    const tf = target.fields.find((x) => x.id === fieldId || x.key === fieldId);
    return tf !== undefined && readable(target, tf);
  };

  function readable(t: TableMeta, f: FieldMeta): boolean {
    const v = view(t);
    if (!v.allowed || !v.field(f.id)) return false;
    const d = derivationOf(f);
    if (!d) return true;
    const k = `${t.id}:${f.id}`;
    const known = memo.get(k);
    if (known !== undefined) return known;
    if (visiting.has(k)) return false;
    visiting.add(k);
    let ok: boolean;
    if (d.kind === 'formula') {
      ok = storedFormulaRefs(d.stored ?? '').every((r) => {
        if (r.through) return acrossLink(t, r.through, r.field);
        const own = t.fields.find((x) => x.id === r.field);
        return own === undefined || readable(t, own); // a deleted field: the formula shows blank
      });
    } else {
      ok = acrossLink(t, d.link, d.field);
    }
    visiting.delete(k);
    memo.set(k, ok);
    return ok;
  }

  return (f: FieldMeta) => readable(table, f);
}
