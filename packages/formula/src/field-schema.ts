/**
 * The bridge from the metadata model to the formula language: a table's fields as the
 * checker sees them, each typed by its field type's `formulaType` hook — the one mapping
 * from field types to formula types (packages/schema-engine field-types/*). A link carries
 * its linked table one level deep, so `SUM(lines.amount)` resolves and links of links do
 * not (aggregates over them are refused by the checker).
 */
import { formulaTypeOf, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import { compileFormula } from './compile.js';
import type { FormulaFieldInfo, FormulaSchema } from './types.js';

/** The tables of the workspace by id (the schema cache, or a document being validated). */
export type TableLookup = (id: string) => TableMeta | undefined;

export function fieldInfo(field: FieldMeta, tables: TableLookup, depth = 0): FormulaFieldInfo {
  const info: FormulaFieldInfo = { id: field.id, key: field.key, type: field.type, formulaType: formulaTypeOf(field) };
  if (info.formulaType.type === 'link' && depth === 0) {
    const target = tables(info.formulaType.table);
    if (target) info.linkTable = formulaSchema(target, tables, depth + 1);
  }
  return info;
}

export function formulaSchema(table: TableMeta, tables: TableLookup, depth = 0): FormulaSchema {
  return { fields: table.fields.map((f) => fieldInfo(f, tables, depth)) };
}

/** Display form of a stored formula with the current keys (renames keep ids); undefined when it no longer compiles. */
export function displayExpression(field: FieldMeta, table: TableMeta, tables: TableLookup): string | undefined {
  try {
    return compileFormula(String(field.options.stored ?? ''), formulaSchema(table, tables), { fromStored: true }).expression;
  } catch {
    return undefined;
  }
}
