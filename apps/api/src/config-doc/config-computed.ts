/**
 * Phase 2 of validating a configuration document: the computed fields (formula, lookup,
 * rollup) of every table, which may read each other across tables (an order's total is
 * the sum of its lines' totals; a client's balance reads the orders' totals).
 *
 * 1. Dependencies: a formula is compiled against the model with every computed field
 *    still of type `any` (permissive), which resolves its names — fields of its table and
 *    `link.field` aggregates — without knowing their types yet; a lookup or rollup reads
 *    the field its options name.
 * 2. A cycle among them is a 422 CYCLE naming it (`["orders.a", "orders.b", "orders.a"]`).
 * 3. In dependency order, each is prepared by prepareDerived (@tabula/formula: the code that
 *    saves a field), so its result type is known before anything that reads it is checked:
 *    a currency mismatch or a bad aggregate is found here, as it would be when applying.
 */
import { compileFormula, findCycle, formulaSchema, prepareDerived } from '@tabula/formula';
import {
  derivationOf,
  isDerived,
  linkOptions,
  parseFieldDefinition,
  type FieldMeta,
  type TableMeta,
  type ValueContext,
} from '@tabula/schema-engine';
import { optionsOf } from './config-export.js';
import { issueOf, throwIssues, type ConfigField, type ConfigIssue, type ConfigTable } from './config-doc.types.js';
import type { ConfigModel } from './config-validate.js';

/** A computed field to create, with its body in key form (as POST /api/tables/:table/fields takes it). */
export interface ComputedStep {
  table: string;
  field: ConfigField;
}

interface Node {
  table: TableMeta;
  meta: FieldMeta;
  doc: ConfigField;
  body: Record<string, unknown>;
  at: string;
  deps: string[];
}

const without = (table: TableMeta, field: FieldMeta): TableMeta => ({ ...table, fields: table.fields.filter((f) => f.id !== field.id) });

function dependencies(node: Node, model: ConfigModel, computedIds: Set<string>, issues: ConfigIssue[]): void {
  const { table, meta } = node;
  const d = derivationOf({ type: meta.type, options: node.doc.options })!;
  if (d.kind === 'formula') {
    if (!d.expression.trim()) {
      issues.push({
        at: `${node.at}.options.expression`,
        code: 'VALIDATION_FAILED',
        message: 'a formula needs options.expression',
        details: { options: { code: 'INVALID_OPTION', message: 'expression is required' } },
      });
      return;
    }
    try {
      const compiled = compileFormula(d.expression, formulaSchema(without(table, meta), model.byId));
      const read = [...compiled.dependencies, ...compiled.aggregates.map((a) => a.fieldId).filter((id): id is string => id !== null)];
      node.deps = read.filter((id) => computedIds.has(id));
    } catch (e) {
      issues.push(issueOf(`${node.at}.options.expression`, e));
    }
    return;
  }
  const link = table.fields.find((f) => f.type === 'link' && f.key === d.link);
  if (!link) {
    issues.push({
      at: `${node.at}.options.link`,
      code: 'VALIDATION_FAILED',
      message: `options.link must name a link field of "${table.key}"`,
      details: { options: { code: 'INVALID_OPTION', message: 'link must name a link field' } },
    });
    return;
  }
  const target = model.byId(linkOptions(link).table)!;
  if (d.field === null) return;
  const tf = target.fields.find((f) => f.key === d.field);
  if (!tf) {
    issues.push({
      at: `${node.at}.options.field`,
      code: 'VALIDATION_FAILED',
      message: `options.field must name a field of "${target.key}"`,
      details: { options: { code: 'INVALID_OPTION', message: 'field must name a field of the linked table' } },
    });
    return;
  }
  if (computedIds.has(tf.id)) node.deps = [tf.id];
}

/** Depth-first, children first, in document order: a stable order in which every field follows what it reads. */
function order(nodes: Node[]): Node[] {
  const byId = new Map(nodes.map((n) => [n.meta.id, n]));
  const done = new Set<string>();
  const out: Node[] = [];
  const visit = (n: Node) => {
    if (done.has(n.meta.id)) return;
    done.add(n.meta.id);
    for (const d of n.deps) visit(byId.get(d)!);
    out.push(n);
  };
  nodes.forEach(visit);
  return out;
}

export function planComputed(
  tables: ConfigTable[],
  model: ConfigModel,
  bodies: Map<ConfigField, Record<string, unknown>>,
  ctx: ValueContext,
): ComputedStep[] {
  const nodes: Node[] = [];
  for (const t of tables) {
    const table = model.byKey.get(t.key)!;
    for (const doc of t.fields) {
      if (!isDerived(doc)) continue;
      nodes.push({
        table,
        meta: table.fields.find((f) => f.key === doc.key)!,
        doc,
        body: bodies.get(doc)!,
        at: `tables.${t.key}.fields.${doc.key}`,
        deps: [],
      });
    }
  }
  const issues: ConfigIssue[] = [];
  const computedIds = new Set(nodes.map((n) => n.meta.id));
  for (const n of nodes) dependencies(n, model, computedIds, issues);
  throwIssues(issues);

  const cycle = findCycle(new Map(nodes.map((n) => [n.meta.id, n.deps])));
  if (cycle) {
    const name = new Map(nodes.map((n) => [n.meta.id, `${n.table.key}.${n.meta.key}`]));
    const path = cycle.map((id) => name.get(id) ?? id);
    const first = nodes.find((n) => n.meta.id === cycle[0])!;
    throwIssues([
      { at: first.at, code: 'CYCLE', message: `computed fields depend on each other in a cycle: ${path.join(' → ')}`, details: { path } },
    ]);
  }

  const sorted = order(nodes);
  for (const n of sorted) {
    try {
      const prepared = prepareDerived(without(n.table, n.meta), { ...n.body, options: n.doc.options }, model.byId) as Record<
        string,
        unknown
      >;
      const def = parseFieldDefinition(prepared, 'create', undefined, ctx);
      Object.assign(n.meta, {
        label: def.label,
        options: def.options,
        required: def.required,
        unique: def.unique,
        defaultValue: def.defaultValue,
        searchable: def.searchable,
      });
      Object.assign(n.doc, {
        label: def.label,
        options: optionsOf(n.table, n.meta, model.byId),
        required: def.required,
        unique: def.unique,
        default: def.defaultValue ?? null,
        searchable: def.searchable,
      });
    } catch (e) {
      issues.push(issueOf(n.at, e));
    }
  }
  throwIssues(issues);
  return sorted.map((n) => ({ table: n.table.key, field: n.doc }));
}
