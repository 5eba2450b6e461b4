/**
 * A pivot: the records of one table that a filter (and the reader's rights) select, grouped
 * by up to four fields split between rows and columns (dates bucketed by day, week, month,
 * quarter or year), with sums, averages, minimums, maximums and counts in every cell, and
 * the totals of every row, every column and the whole — in one SQL statement
 * (GROUP BY GROUPING SETS) over the same field expressions that filters, sorts and indexes
 * use. Values are exact: money and numbers come back as decimal strings.
 * An aggregate without groups is the same thing with no rows and no columns.
 */
import {
  buildWhere,
  DomainError,
  effectiveField,
  getFieldType,
  isPlainObject,
  normalizeDecimal,
  padToMinorUnits,
  resolveField,
  SqlBuilder,
  slotJson,
  slotText,
  type FieldMeta,
  type ListOptions,
  type TableMeta,
} from '@tabula/schema-engine';

export const MAX_GROUPS = 4;
export const MAX_VALUES = 10;
/** Groups returned at most (cells of the innermost grouping set); beyond it `truncated`. */
export const MAX_CELLS = 10_000;

export type Bucket = 'day' | 'week' | 'month' | 'quarter' | 'year';
export type AggFn = 'count' | 'sum' | 'avg' | 'min' | 'max';

export interface GroupSpec {
  field: FieldMeta;
  bucket?: Bucket;
}

export interface ValueSpec {
  fn: AggFn;
  field?: FieldMeta;
  /** What the value is: count → number; money sums keep their currency. */
  type: 'number' | 'money' | 'date' | 'dateTime';
  currency?: string;
}

export interface PivotSpec {
  rows: GroupSpec[];
  columns: GroupSpec[];
  values: ValueSpec[];
  filter?: unknown;
  q?: unknown;
  totals: boolean;
}

export interface PivotResult {
  rows: unknown[][];
  columns: unknown[][];
  values: { field: string | null; fn: AggFn; type: string; currency?: string }[];
  /** cells[row][column] = the values, or null where no record falls. */
  cells: (unknown[] | null)[][];
  rowTotals?: unknown[][];
  columnTotals?: unknown[][];
  total: unknown[];
  truncated: boolean;
}

const BUCKETS: readonly Bucket[] = ['day', 'week', 'month', 'quarter', 'year'];
const FNS: readonly AggFn[] = ['count', 'sum', 'avg', 'min', 'max'];
/** Field types (not computed ones) whose stored value is a JSON string whenever it is set. */
const TEXT_STORED = new Set(['text', 'email', 'phone', 'url', 'select', 'user']);
const GROUP_KINDS = new Set(['text', 'select', 'boolean', 'date', 'datetime', 'numeric', 'user']);

function bad(message: string, at: string, code = 'INVALID_PIVOT'): never {
  throw new DomainError('VALIDATION_FAILED', message, { [at]: { code, message } });
}

function onlyKeys(o: Record<string, unknown>, keys: string[], at: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) bad(`unknown property "${k.slice(0, 40)}"`, at);
}

function kindOf(field: FieldMeta): string {
  const eff = effectiveField(field);
  if (eff.type === 'select') return 'select';
  if (eff.type === 'user') return 'user';
  if (eff.type === 'date') return 'date';
  if (eff.type === 'dateTime') return 'datetime';
  if (eff.type === 'boolean') return 'boolean';
  if (['number', 'percent', 'duration'].includes(eff.type)) return 'numeric';
  if (eff.type === 'money') return 'money';
  if (['text', 'email', 'phone', 'url', 'autonumber'].includes(eff.type)) return 'text';
  return eff.type;
}

/** A readable field of the table; a formula computed when read (TODAY, NOW) is not stored, so not reportable. */
function pivotField(table: TableMeta, key: unknown, where: string, canRead?: (f: FieldMeta) => boolean): FieldMeta {
  const field = resolveField(table, key, { canRead });
  if (field.options.volatile)
    bad(`"${field.key}" is computed when read (TODAY or NOW) and cannot be grouped or aggregated`, where, 'VOLATILE');
  return field;
}

function parseGroups(table: TableMeta, raw: unknown, at: string, canRead?: (f: FieldMeta) => boolean): GroupSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) bad(`${at} must be a list of fields`, at);
  return raw.map((g, i) => {
    const where = `${at}[${i}]`;
    const o = typeof g === 'string' ? { field: g } : isPlainObject(g) ? g : bad(`${where} must be a field key or {field, bucket}`, where);
    onlyKeys(o, ['field', 'bucket'], where);
    const field = pivotField(table, o.field, where, canRead);
    const kind = kindOf(field);
    if (!GROUP_KINDS.has(kind)) bad(`cannot group by "${field.key}" (${field.type})`, where, 'NOT_GROUPABLE');
    if (o.bucket !== undefined) {
      if (kind !== 'date' && kind !== 'datetime') bad(`only dates have a bucket ("${field.key}" is ${field.type})`, where);
      if (!BUCKETS.includes(o.bucket as Bucket)) bad(`bucket is one of ${BUCKETS.join(', ')}`, where);
      return { field, bucket: o.bucket as Bucket };
    }
    return { field, bucket: kind === 'datetime' ? 'day' : undefined };
  });
}

function parseValues(table: TableMeta, raw: unknown, canRead?: (f: FieldMeta) => boolean): ValueSpec[] {
  if (raw === undefined || raw === null) return [{ fn: 'count', type: 'number' }];
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_VALUES)
    bad(`values must be a list of 1 to ${MAX_VALUES} aggregates`, 'values');
  return raw.map((v, i) => {
    const where = `values[${i}]`;
    if (!isPlainObject(v)) bad(`${where} must be {fn, field}`, where);
    onlyKeys(v, ['fn', 'field'], where);
    if (!FNS.includes(v.fn as AggFn)) bad(`fn is one of ${FNS.join(', ')}`, where);
    const fn = v.fn as AggFn;
    if (v.field === undefined || v.field === null) {
      if (fn !== 'count') bad(`${fn} needs a field`, where);
      return { fn, type: 'number' as const };
    }
    const field = pivotField(table, v.field, where, canRead);
    if (fn === 'count') return { fn, field, type: 'number' as const };
    const kind = kindOf(field);
    if (kind === 'numeric') return { fn, field, type: 'number' as const };
    if (kind === 'money') {
      const currency = effectiveField(field).options.currency;
      if (typeof currency !== 'string')
        bad(
          `"${field.key}" has a currency per value: filter on one currency and sum it, or convert it with a formula`,
          where,
          'MIXED_CURRENCIES',
        );
      return { fn, field, type: 'money' as const, currency };
    }
    if ((fn === 'min' || fn === 'max') && (kind === 'date' || kind === 'datetime'))
      return { fn, field, type: kind === 'date' ? ('date' as const) : ('dateTime' as const) };
    return bad(
      `${fn} needs a number or money field${fn === 'min' || fn === 'max' ? ' or a date' : ''} ("${field.key}" is ${field.type})`,
      where,
      'NOT_AGGREGATABLE',
    );
  });
}

/** Validates a pivot body against the table and the fields the reader may read. */
export function parsePivotSpec(table: TableMeta, body: unknown, canRead?: (f: FieldMeta) => boolean): PivotSpec {
  if (!isPlainObject(body)) bad('the body must be a pivot {rows, columns, values, filter, q}', 'body');
  onlyKeys(body, ['rows', 'columns', 'values', 'filter', 'q', 'totals'], 'body');
  const rows = parseGroups(table, body.rows, 'rows', canRead);
  const columns = parseGroups(table, body.columns, 'columns', canRead);
  if (rows.length + columns.length > MAX_GROUPS) bad(`at most ${MAX_GROUPS} fields in rows and columns together`, 'rows');
  if (body.totals !== undefined && typeof body.totals !== 'boolean') bad('totals is true or false', 'totals');
  return { rows, columns, values: parseValues(table, body.values, canRead), filter: body.filter, q: body.q, totals: body.totals !== false };
}

function groupExpr(g: GroupSpec, sql: SqlBuilder, timeZone: string): string {
  const f = effectiveField(g.field);
  const kind = kindOf(g.field);
  const text = getFieldType(f.type).sqlExpr(f, 'r');
  if (kind === 'date') {
    switch (g.bucket) {
      case 'year':
        return `left(${text}, 4)`;
      case 'quarter':
        return `left(${text}, 4) || '-Q' || ((substr(${text}, 6, 2)::int + 2) / 3)::text`;
      case 'month':
        return `left(${text}, 7)`;
      case 'week':
        return `to_char((${text})::date, 'IYYY-"W"IW')`;
      default:
        return text;
    }
  }
  if (kind === 'datetime') {
    const local = `((${text})::timestamptz AT TIME ZONE ${sql.param(timeZone)})`;
    const format = { year: 'YYYY', quarter: 'YYYY-"Q"Q', month: 'YYYY-MM', week: 'IYYY-"W"IW', day: 'YYYY-MM-DD' }[g.bucket ?? 'day'];
    return `to_char(${local}, '${format}')`;
  }
  // A field whose stored value is always a JSON string groups by its text (`->>`): text
  // hashes and compares several times cheaper than jsonb; it is the expression the index
  // advisor's statistics cover (so the planner knows the number of groups); and a JSON null
  // and a missing key fall into one empty group. Other kinds group by the stored JSON value.
  // Either way toWire turns the driver's value into the wire value (a choice id into its label).
  if (TEXT_STORED.has(g.field.type)) return `(${slotText('r', f.slot)})`;
  return slotJson('r', f.slot);
}

/** The value's input per record, and its aggregate over the inner column `x`. */
function valueParts(v: ValueSpec, x: string): { input?: string; agg: string } {
  if (v.fn === 'count') return v.field ? { input: slotJson('r', effectiveField(v.field).slot), agg: `count(${x})` } : { agg: 'count(*)' };
  const f = effectiveField(v.field!);
  const input = getFieldType(f.type).sqlExpr(f, 'r');
  return { input, agg: v.fn === 'avg' ? `round(avg(${x}), 12)` : `${v.fn}(${x})` };
}

/**
 * A value in two steps, for totals: `partial` per finest group (columns `p`, and `q` for an
 * average), `final` over those partials for every grouping set. Exact: numeric sums add
 * exactly, counts add up, min of minimums, max of maximums, and PostgreSQL's avg(numeric)
 * is numeric_div(sum, count) — the very division done here on the same sum and count.
 */
function twoStepParts(v: ValueSpec, x: string, p: string, q: string): { partial: string[]; final: string } {
  if (v.fn === 'count') return { partial: [`${v.field ? `count(${x})` : 'count(*)'} AS ${p}`], final: `sum(${p})` };
  if (v.fn === 'avg')
    return { partial: [`sum(${x}) AS ${p}`, `count(${x}) AS ${q}`], final: `round(sum(${p}) / nullif(sum(${q}), 0), 12)` };
  if (v.fn === 'sum') return { partial: [`sum(${x}) AS ${p}`], final: `sum(${p})` };
  return { partial: [`${v.fn}(${x}) AS ${p}`], final: `${v.fn}(${p})` };
}

/**
 * One statement: the finest groups, plus (with totals) the rows' totals, the columns'
 * totals and the grand total as further grouping sets. The inner query computes each
 * record's group keys and inputs with the field-type expressions (so their indexes and
 * statistics serve it); PostgreSQL flattens it. With totals, the records are first
 * aggregated to the finest groups (a parallel hash aggregate) and the grouping sets are
 * computed over those few rows: grouping sets straight over the records run as one
 * non-parallel MixedAggregate that cost 2–3 × the plain GROUP BY (docs/reports.md).
 */
export function buildPivotQuery(table: TableMeta, spec: PivotSpec, opts: ListOptions): { text: string; values: unknown[] } {
  const sql = new SqlBuilder();
  const groups = [...spec.rows, ...spec.columns];
  const inner: string[] = groups.map((g, i) => `${groupExpr(g, sql, opts.timeZone ?? 'UTC')} AS g${i}`);
  const outer: string[] = groups.map((_, i) => `g${i}`);
  const twoStep = spec.totals && groups.length > 0;
  const partials: string[] = [];
  spec.values.forEach((v, i) => {
    const { input, agg } = valueParts(v, `x${i}`);
    if (input) inner.push(`${input} AS x${i}`);
    if (!twoStep) return void outer.push(`(${agg})::text AS v${i}`);
    const parts = twoStepParts(v, `x${i}`, `p${i}`, `q${i}`);
    partials.push(...parts.partial);
    outer.push(`(${parts.final})::text AS v${i}`);
  });
  const where = buildWhere(table, { filter: spec.filter, q: spec.q }, opts, sql);
  let from = `(SELECT ${inner.length ? inner.join(', ') : '1 AS one'} FROM record r WHERE ${where}) s`;
  const n = groups.length;
  if (n === 0) return { text: `SELECT ${outer.join(', ')}, 0 AS gs FROM ${from}`, values: sql.values };
  const all = groups.map((_, i) => `g${i}`);
  if (twoStep) from = `(SELECT ${[...all, ...partials].join(', ')} FROM ${from} GROUP BY ${all.join(', ')}) t`;
  const sets = new Map<string, string[]>([[all.join(','), all]]);
  if (spec.totals) {
    const r = all.slice(0, spec.rows.length);
    const c = all.slice(spec.rows.length);
    sets.set(r.join(','), r);
    sets.set(c.join(','), c);
    sets.set('', []);
  }
  const groupingSets = [...sets.values()].map((set) => `(${set.join(', ')})`).join(', ');
  // enough rows for the capped cells and every total
  const limit = MAX_CELLS + 1 + (spec.totals ? 2 * MAX_CELLS + 1 : 0);
  return {
    text: `SELECT ${outer.join(', ')}, GROUPING(${all.join(', ')}) AS gs FROM ${from} GROUP BY GROUPING SETS (${groupingSets}) ORDER BY gs DESC LIMIT ${limit}`,
    values: sql.values,
  };
}

function wireGroup(g: GroupSpec, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  if (g.bucket || kindOf(g.field) === 'date') return raw;
  // the stored JSON value, already decoded by the driver
  const f = effectiveField(g.field);
  return getFieldType(f.type).toWire(raw, f);
}

function wireValue(v: ValueSpec, raw: unknown): unknown {
  if (raw === null || raw === undefined) return v.fn === 'count' ? 0 : null;
  if (v.fn === 'count') return Number(raw);
  if (v.type === 'date' || v.type === 'dateTime') return raw;
  const exact = normalizeDecimal(String(raw));
  if (v.type === 'money') return { amount: padToMinorUnits(exact, v.currency!), currency: v.currency };
  return exact;
}

function compareKeys(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // empties last
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** Shapes the rows of buildPivotQuery into a grid with its totals. */
export function shapePivot(spec: PivotSpec, rows: Record<string, unknown>[]): PivotResult {
  const nr = spec.rows.length;
  const nc = spec.columns.length;
  const n = nr + nc;
  const groups = [...spec.rows, ...spec.columns];
  const full = 0;
  const rowsOnly = n === 0 ? 0 : (1 << nc) - 1; // the column bits are set (grouped away)
  const colsOnly = n === 0 ? 0 : ((1 << nr) - 1) << nc;
  const none = n === 0 ? 0 : (1 << n) - 1;
  const values = (r: Record<string, unknown>) => spec.values.map((v, i) => wireValue(v, r[`v${i}`]));
  const keyOf = (r: Record<string, unknown>, from: number, to: number) =>
    groups.slice(from, to).map((g, i) => wireGroup(g, r[`g${from + i}`]));
  const rowKeys = new Map<string, unknown[]>();
  const colKeys = new Map<string, unknown[]>();
  const cellMap = new Map<string, unknown[]>();
  const rowTotals = new Map<string, unknown[]>();
  const colTotals = new Map<string, unknown[]>();
  let total: unknown[] = spec.values.map((v) => wireValue(v, null));
  let finest = 0;
  for (const r of rows) {
    const gs = Number(r.gs ?? 0);
    const rk = keyOf(r, 0, nr);
    const ck = keyOf(r, nr, n);
    const rj = JSON.stringify(rk);
    const cj = JSON.stringify(ck);
    if (gs === full) {
      if (finest++ >= MAX_CELLS) continue;
      rowKeys.set(rj, rk);
      colKeys.set(cj, ck);
      cellMap.set(rj + '\u0000' + cj, values(r));
    }
    // a set that equals another (no rows, or no columns) is reported once, under both names
    if (gs === none) total = values(r);
    if (gs === rowsOnly && nr > 0) rowTotals.set(rj, values(r));
    if (gs === colsOnly && nc > 0) colTotals.set(cj, values(r));
    if (n === 0) total = values(r);
  }
  const sortKeys = (m: Map<string, unknown[]>) =>
    [...m.values()].sort((a, b) => {
      for (let i = 0; i < a.length; i++) {
        const d = compareKeys(a[i], b[i]);
        if (d) return d;
      }
      return 0;
    });
  const rk = sortKeys(rowKeys);
  const ck = sortKeys(colKeys);
  const result: PivotResult = {
    rows: rk,
    columns: ck,
    values: spec.values.map((v) => ({
      field: v.field?.key ?? null,
      fn: v.fn,
      type: v.type,
      ...(v.currency ? { currency: v.currency } : {}),
    })),
    cells: rk.map((r) => ck.map((c) => cellMap.get(JSON.stringify(r) + '\u0000' + JSON.stringify(c)) ?? null)),
    total,
    truncated: finest > MAX_CELLS,
  };
  if (spec.totals && nr > 0 && nc > 0) {
    result.rowTotals = rk.map((r) => rowTotals.get(JSON.stringify(r)) ?? spec.values.map((v) => wireValue(v, null)));
    result.columnTotals = ck.map((c) => colTotals.get(JSON.stringify(c)) ?? spec.values.map((v) => wireValue(v, null)));
  }
  return result;
}
