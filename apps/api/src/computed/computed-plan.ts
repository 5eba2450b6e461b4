/**
 * What the computed engine needs to know of a table, built once per schema version:
 * its computed fields in dependency order, each formula compiled once (never re-parsed
 * per row), the aggregates over links it needs (rollups and SUM(lines.x) in formulas),
 * its lookups, and the link fields through which changes elsewhere reach it.
 */
import {
  compileFormula,
  formulaSchema,
  formulaToSql,
  type CompiledFormula,
  type FormulaFieldInfo,
  type FormulaSchema,
  type SqlFormula,
} from '@tabula/formula';
import {
  derivationOf,
  derivedKind,
  isCurrency,
  isDerived,
  linkOptions,
  minorUnits,
  slotLiteral,
  type FieldMeta,
  type TableMeta,
} from '@tabula/schema-engine';

export type AggFn = 'SUM' | 'AVG' | 'COUNT' | 'MIN' | 'MAX';

export interface AggSpec {
  key: string;
  link: FieldMeta;
  target: TableMeta;
  field: FieldMeta | null;
  fn: AggFn;
  /**
   * A reader's read scope on `target` (a filter tree): only the linked records within it
   * count. Stored values see every record (ADR 0005) and have none; a preview has one.
   */
  scope?: unknown;
}

export interface LookupSpec {
  link: FieldMeta;
  target: TableMeta;
  field: FieldMeta;
}

export interface TablePlan {
  table: TableMeta;
  order: FieldMeta[];
  /**
   * Formulas that read only the record's own stored fields (no aggregate, no lookup or
   * rollup, no link, no gapless autonumber — those are numbered after the insert), in
   * dependency order: evaluated in JS before the row is written, so it is written once.
   */
  own: FieldMeta[];
  /** The rest of `order`: fields that need the links (set-based post-pass after the write). */
  linked: FieldMeta[];
  /** The fields the own formulas read (only these are converted per row). */
  ownInputs: FieldMeta[];
  formulas: Map<string, CompiledFormula>;
  aggs: AggSpec[];
  lookups: Map<string, LookupSpec>;
  volatile: FieldMeta[];
  /** Link fields (of this table) whose linked records feed a computed field here. */
  sources: FieldMeta[];
  /** Per source link: the slots of the linked table it reads (changes elsewhere do not matter). */
  reads: Map<string, Set<string>>;
  usesRates: boolean;
  /**
   * The table's one computed field as SQL (a whole-table recompute runs in the database), or
   * null: several computed fields, or a formula with a part that has no exact SQL twin.
   */
  sql: SqlRecompute | null;
  /** readSet() per list of fields to compute (plan.order, plan.linked, …), filled lazily. */
  readSets: Map<string, ReadSet>;
}

export interface SqlRecompute {
  field: FieldMeta;
  formula: SqlFormula;
  /** Money: the currency's minor units (stored amounts show at least these decimals). */
  minor: number;
}

const PLAIN_DECIMAL = `'^-?[0-9]+(\\.[0-9]+)?$'`;

/** A stored field's value as numeric SQL over `r.data`, NULL when blank or not a plain decimal. */
function numericInput(table: TableMeta, info: FormulaFieldInfo): string | null {
  const f = table.fields.find((x) => x.id === info.id);
  if (!f || f.type !== info.type) return null;
  const slot = slotLiteral(f.slot);
  if (f.type === 'number' || f.type === 'percent')
    return `CASE WHEN r.data->>${slot} ~ ${PLAIN_DECIMAL} THEN (r.data->>${slot})::numeric END`;
  const currency = info.formulaType.type === 'money' ? info.formulaType.currency : undefined;
  if (f.type !== 'money' || typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return null;
  return `CASE WHEN r.data->${slot}->>'c' = '${currency}' AND r.data->${slot}->>'a' ~ ${PLAIN_DECIMAL} THEN (r.data->${slot}->>'a')::numeric END`;
}

function sqlRecompute(plan: TablePlan, schema: FormulaSchema): SqlRecompute | null {
  if (plan.order.length !== 1 || plan.volatile.length) return null;
  const field = plan.order[0]!;
  const compiled = plan.formulas.get(field.id);
  if (!compiled || compiled.volatile || compiled.aggregates.length) return null;
  const formula = formulaToSql(compiled.stored, schema, (info) => numericInput(plan.table, info));
  if (!formula || formula.type !== field.options.resultType) return null;
  if (formula.type === 'money' && !isCurrency(formula.currency!)) return null;
  return { field, formula, minor: formula.type === 'money' ? minorUnits(formula.currency!) : 0 };
}

/** What computing some fields of a row reads from its `data`. */
export interface ReadSet {
  /** The stored fields and computed fields the formulas read (converted to wire form per row). */
  inputs: FieldMeta[];
}

/**
 * The inputs of `fields` (their formulas' dependencies): a recompute converts only these to
 * wire form, not the whole row. (Fetching only their slots, `data - unread`, measured slower:
 * 18.8 → 23.3 s for 200k lines — it moves work onto the database, the recompute's bottleneck.)
 */
export function readSet(plan: TablePlan, fields: FieldMeta[]): ReadSet {
  const key = fields.map((f) => f.id).join(',');
  let r = plan.readSets.get(key);
  if (!r) {
    const ids = new Set(fields.flatMap((f) => plan.formulas.get(f.id)?.dependencies ?? []));
    r = { inputs: plan.table.fields.filter((f) => ids.has(f.id)) };
    plan.readSets.set(key, r);
  }
  return r;
}

export function buildPlan(table: TableMeta, tables: (id: string) => TableMeta | undefined): TablePlan {
  const plan: TablePlan = {
    table,
    order: [],
    own: [],
    linked: [],
    ownInputs: [],
    formulas: new Map(),
    aggs: [],
    lookups: new Map(),
    volatile: [],
    sources: [],
    reads: new Map(),
    usesRates: false,
    sql: null,
    readSets: new Map(),
  };
  const schema = formulaSchema(table, tables);
  const deps = new Map<string, string[]>();
  const sourceIds = new Set<string>();
  for (const f of table.fields) {
    const d = derivationOf(f);
    if (d?.kind === 'formula') {
      const stored = d.stored ?? d.expression;
      let compiled: CompiledFormula;
      try {
        compiled = compileFormula(stored, schema, { fromStored: true });
      } catch {
        continue; // a formula broken by a schema change shows blank; the designer flags it
      }
      plan.formulas.set(f.id, compiled);
      if (compiled.volatile) plan.volatile.push(f);
      if (/CONVERT\s*\(/i.test(stored)) plan.usesRates = true;
      deps.set(f.id, compiled.dependencies);
      for (const a of compiled.aggregates) {
        const link = table.fields.find((x) => x.id === a.linkFieldId);
        const target = link && tables(linkOptions(link).table);
        if (!link || !target) continue;
        plan.aggs.push({
          key: a.key,
          link,
          target,
          field: a.fieldId ? (target.fields.find((x) => x.id === a.fieldId) ?? null) : null,
          fn: a.fn,
        });
        sourceIds.add(link.id);
      }
    } else if (d) {
      const link = table.fields.find((x) => x.id === d.link || x.key === d.link);
      const target = link && tables(linkOptions(link).table);
      if (!link || !target) continue;
      const tf = target.fields.find((x) => x.id === d.field || x.key === d.field) ?? null;
      deps.set(f.id, [link.id]);
      sourceIds.add(link.id);
      if (d.kind === 'aggregate') plan.aggs.push({ key: `rollup:${f.id}`, link, target, field: tf, fn: d.fn.toUpperCase() as AggFn });
      else if (tf) plan.lookups.set(f.id, { link, target, field: tf });
    }
  }
  // dependency order among the computed fields (cycles were refused when saving)
  // every derived field but a formula that no longer compiles
  const computed = table.fields.filter((f) => isDerived(f) && (derivedKind(f) !== 'formula' || plan.formulas.has(f.id)));
  const done = new Set<string>();
  const visit = (f: FieldMeta, stack: Set<string>) => {
    if (done.has(f.id) || stack.has(f.id)) return;
    stack.add(f.id);
    for (const d of deps.get(f.id) ?? []) {
      const df = computed.find((x) => x.id === d);
      if (df) visit(df, stack);
    }
    done.add(f.id);
    plan.order.push(f);
  };
  for (const f of computed) visit(f, new Set());
  // own formulas: dependencies are plain stored fields or other own formulas (order is topological)
  const ownIds = new Set<string>();
  for (const f of plan.order) {
    const compiled = plan.formulas.get(f.id);
    if (compiled?.volatile) {
      ownIds.add(f.id); // evaluated when read, never stored: readers see it as blank either way
      continue;
    }
    const ok =
      !!compiled &&
      compiled.aggregates.length === 0 &&
      compiled.dependencies.every((d) => {
        const df = table.fields.find((x) => x.id === d);
        if (!df) return true;
        if (isDerived(df)) return ownIds.has(df.id);
        if (df.type === 'link') return false;
        return !(df.type === 'autonumber' && df.options.gapless);
      });
    if (ok) {
      ownIds.add(f.id);
      plan.own.push(f);
    } else plan.linked.push(f);
  }
  const inputIds = new Set(plan.own.flatMap((f) => plan.formulas.get(f.id)!.dependencies));
  plan.ownInputs = table.fields.filter((f) => inputIds.has(f.id));
  plan.sources = table.fields.filter((f) => sourceIds.has(f.id));
  const read = (link: FieldMeta, field: FieldMeta | null) => {
    const set = plan.reads.get(link.id) ?? new Set<string>();
    if (field) set.add(field.slot);
    plan.reads.set(link.id, set);
  };
  for (const a of plan.aggs) read(a.link, a.field);
  for (const l of plan.lookups.values()) read(l.link, l.field);
  plan.sql = sqlRecompute(plan, schema);
  return plan;
}
