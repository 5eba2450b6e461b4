/**
 * Saving a derived field (any type with FieldTypeDef.derived: formula, lookup, rollup): the
 * references the administrator wrote by key become ids, a formula is compiled (errors with
 * their position → 422 FORMULA_ERROR) and a cycle among the table's formulas is refused
 * with its path (422 CYCLE), and the result type is inferred from what the field reads —
 * so what is stored is the full option set of its kind (schema-engine's DerivationKind).
 * The API calls this before parsing the field definition; so does the configuration
 * document's validation, in dependency order.
 */
import {
  DomainError,
  derivationOf,
  derivedKind,
  formulaTypeOf,
  linkOptions,
  ROLLUP_AGGREGATES,
  type FieldMeta,
  type FormulaType,
  type TableMeta,
} from '@tabula/schema-engine';
import { compileFormula } from './compile.js';
import { assertNoCycle } from './cycle.js';
import { formulaSchema, type TableLookup } from './field-schema.js';
import { isPlainObject } from '@tabula/schema-engine';

function bad(message: string, option: string): never {
  throw new DomainError('VALIDATION_FAILED', message, { options: { code: 'INVALID_OPTION', message, option } });
}

/** Returns the field body with its options ready to store; `self` is the field being changed, if any. Other bodies pass unchanged. */
export function prepareDerived(table: TableMeta, body: unknown, tables: TableLookup, self?: FieldMeta): unknown {
  if (!isPlainObject(body)) return body;
  const kind = derivedKind({ type: String(body.type) });
  if (!kind) return body;
  const o = isPlainObject(body.options) ? body.options : {};
  if (kind === 'formula') return { ...body, options: formulaOptions(table, o, tables, self) };
  const link = table.fields.find((f) => f.type === 'link' && (f.key === o.link || f.id === o.link));
  if (!link) bad(`options.link must name a link field of "${table.key}"`, 'link');
  const target = tables(linkOptions(link).table);
  if (!target) bad('the linked table no longer exists', 'link');
  const tf = o.field === undefined || o.field === null ? undefined : target.fields.find((f) => f.key === o.field || f.id === o.field);
  if (o.field !== undefined && o.field !== null && !tf) bad(`options.field must name a field of "${target.key}"`, 'field');
  return { ...body, options: kind === 'lookup' ? lookupOptions(link, tf) : aggregateOptions(link, tf, String(o.aggregate ?? 'sum')) };
}

function formulaOptions(table: TableMeta, o: Record<string, unknown>, tables: TableLookup, self?: FieldMeta): Record<string, unknown> {
  if (typeof o.expression !== 'string') bad('a formula needs options.expression', 'expression');
  const others = table.fields.filter((f) => f.id !== self?.id);
  const compiled = compileFormula(o.expression, formulaSchema({ ...table, fields: others }, tables));
  if (self) {
    const graph = new Map<string, string[]>();
    for (const f of table.fields) {
      const d = derivationOf(f);
      if (d?.kind !== 'formula' || f.id === self.id) continue;
      try {
        graph.set(f.id, compileFormula(d.stored ?? '', formulaSchema(table, tables), { fromStored: true }).dependencies);
      } catch {
        /* a broken formula depends on nothing */
      }
    }
    graph.set(self.id, compiled.dependencies);
    assertNoCycle(graph, (id: string) => table.fields.find((f) => f.id === id)?.key ?? id);
  }
  const options: Record<string, unknown> = { expression: compiled.expression, stored: compiled.stored, resultType: compiled.resultType };
  if (compiled.resultType === 'money') options.currency = compiled.currency ?? null;
  if (compiled.volatile) options.volatile = true;
  return options;
}

function lookupOptions(link: FieldMeta, tf: FieldMeta | undefined): Record<string, unknown> {
  if (!tf) bad('a lookup needs options.field', 'field');
  const vt: FormulaType = formulaTypeOf(tf);
  if (vt.type === 'link') bad('a lookup shows a value, not a link of the linked table', 'field');
  const options: Record<string, unknown> = {
    link: link.id,
    field: tf.id,
    resultType: vt.type === 'any' ? 'text' : vt.type,
    multiple: linkOptions(link).multiple !== false,
  };
  if (vt.type === 'money') options.currency = vt.currency ?? null;
  return options;
}

function aggregateOptions(link: FieldMeta, tf: FieldMeta | undefined, aggregate: string): Record<string, unknown> {
  if (!(ROLLUP_AGGREGATES as readonly string[]).includes(aggregate)) bad('aggregate is sum, avg, count, min or max', 'aggregate');
  if (aggregate !== 'count' && !tf) bad(`${aggregate} needs options.field`, 'field');
  const options: Record<string, unknown> = { link: link.id, aggregate, resultType: 'number' };
  if (tf) options.field = tf.id;
  if (tf && aggregate !== 'count') {
    const vt = formulaTypeOf(tf);
    if (vt.type === 'money') {
      options.resultType = 'money';
      options.currency = vt.currency ?? null;
    } else if (vt.type === 'number') options.resultType = 'number';
    else if ((aggregate === 'min' || aggregate === 'max') && (vt.type === 'date' || vt.type === 'dateTime' || vt.type === 'text'))
      options.resultType = vt.type;
    else bad(`${aggregate} needs a number, money or (for min/max) date field`, 'field');
  }
  return options;
}
