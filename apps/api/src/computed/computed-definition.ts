/**
 * Saving a formula, lookup or rollup field: references by key are resolved to ids, the
 * formula is compiled (errors with their position → 422 FORMULA_ERROR), its result type
 * inferred, and a cycle among the table's formulas is refused with its path (422 CYCLE).
 */
import { assertNoCycle, compileFormula, type ValueType } from '@tabula/formula';
import { DomainError, effectiveField, linkOptions, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import { formulaSchema } from './computed-plan.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

export function valueTypeOf(field: FieldMeta): { type: ValueType; currency?: string | null } {
  if (['formula', 'lookup', 'rollup'].includes(field.type)) {
    return { type: (field.options.resultType as ValueType) ?? 'any', currency: (field.options.currency as string | null | undefined) ?? null };
  }
  const eff = effectiveField(field);
  switch (eff.type) {
    case 'number':
    case 'percent':
    case 'duration':
      return { type: 'number' };
    case 'money':
      return { type: 'money', currency: (eff.options.currency as string | undefined) ?? null };
    case 'date':
      return { type: 'date' };
    case 'dateTime':
      return { type: 'dateTime' };
    case 'boolean':
      return { type: 'boolean' };
    default:
      return { type: 'text' };
  }
}

function bad(message: string, option: string): never {
  throw new DomainError('VALIDATION_FAILED', message, { options: { code: 'INVALID_OPTION', message, option } });
}

/** Returns the field body with its options ready to store; `self` is the field being changed, if any. */
export function prepareComputed(table: TableMeta, body: unknown, tables: (id: string) => TableMeta | undefined, self?: FieldMeta): unknown {
  if (!isPlainObject(body) || !['formula', 'lookup', 'rollup'].includes(String(body.type))) return body;
  const o = isPlainObject(body.options) ? body.options : {};
  if (body.type === 'formula') {
    if (typeof o.expression !== 'string') bad('a formula needs options.expression', 'expression');
    const others = table.fields.filter((f) => f.id !== self?.id);
    const compiled = compileFormula(o.expression, formulaSchema({ ...table, fields: others }, tables));
    if (self) {
      const graph = new Map<string, string[]>();
      for (const f of table.fields) {
        if (f.type !== 'formula' || f.id === self.id) continue;
        try {
          graph.set(f.id, compileFormula(String(f.options.stored ?? ''), formulaSchema(table, tables), { fromStored: true }).dependencies);
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
    return { ...body, options };
  }
  const link = table.fields.find((f) => f.type === 'link' && (f.key === o.link || f.id === o.link));
  if (!link) bad(`options.link must name a link field of "${table.key}"`, 'link');
  const target = tables(linkOptions(link).table);
  if (!target) bad('the linked table no longer exists', 'link');
  const tf = o.field === undefined || o.field === null ? undefined : target.fields.find((f) => f.key === o.field || f.id === o.field);
  if (o.field !== undefined && o.field !== null && !tf) bad(`options.field must name a field of "${target.key}"`, 'field');
  if (body.type === 'lookup') {
    if (!tf) bad('a lookup needs options.field', 'field');
    if (tf.type === 'link') bad('a lookup shows a value, not a link of the linked table', 'field');
    const vt = valueTypeOf(tf);
    const options: Record<string, unknown> = { link: link.id, field: tf.id, resultType: vt.type === 'any' ? 'text' : vt.type, multiple: linkOptions(link).multiple !== false };
    if (vt.type === 'money') options.currency = vt.currency ?? null;
    return { ...body, options };
  }
  const aggregate = String(o.aggregate ?? 'sum');
  if (!['sum', 'avg', 'count', 'min', 'max'].includes(aggregate)) bad('aggregate is sum, avg, count, min or max', 'aggregate');
  if (aggregate !== 'count' && !tf) bad(`${aggregate} needs options.field`, 'field');
  const options: Record<string, unknown> = { link: link.id, aggregate, resultType: 'number' };
  if (tf) options.field = tf.id;
  if (tf && aggregate !== 'count') {
    const vt = valueTypeOf(tf);
    if (vt.type === 'money') {
      options.resultType = 'money';
      options.currency = vt.currency ?? null;
    } else if (vt.type === 'number') options.resultType = 'number';
    else if ((aggregate === 'min' || aggregate === 'max') && (vt.type === 'date' || vt.type === 'dateTime' || vt.type === 'text')) options.resultType = vt.type;
    else bad(`${aggregate} needs a number, money or (for min/max) date field`, 'field');
  }
  return { ...body, options };
}

/** Display form of a stored formula after renames (the schema keeps ids). */
export function displayExpression(field: FieldMeta, table: TableMeta, tables: (id: string) => TableMeta | undefined): string | undefined {
  try {
    return compileFormula(String(field.options.stored ?? ''), formulaSchema(table, tables), { fromStored: true }).expression;
  } catch {
    return undefined;
  }
}
