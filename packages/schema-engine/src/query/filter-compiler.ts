/**
 * Filter tree → SQL condition. The same compiler serves user filters and rights
 * conditions. Fields are resolved by key against the schema (an unknown or unreadable
 * field is UNKNOWN_FIELD), operators are checked against the field type, and every value
 * is a bound parameter.
 */
import { DomainError, ValueError } from '../errors.js';
import { effectiveField, getFieldType } from '../registry.js';
import type { FieldMeta, FilterOp, TableMeta, ValueContext } from '../types.js';
import { FILTER_OPS } from '../types.js';
import { SqlBuilder } from './sql-builder.js';
import { systemColumn } from './system-columns.js';
import { isPlainObject } from '../plain-object.js';

export const MAX_FILTER_DEPTH = 8;
export const MAX_FILTER_NODES = 200;
export const MAX_IN_VALUES = 1000;

export interface CompileContext extends ValueContext {
  alias: string;
  sql: SqlBuilder;
  /** Whether the caller may read (and so filter on) this field. */
  canRead?(field: FieldMeta): boolean;
}

export interface FieldCondition {
  field: string;
  op: FilterOp;
  value?: unknown;
}

const NO_VALUE_OPS: readonly FilterOp[] = ['isEmpty', 'isNotEmpty'];

export function resolveField(table: TableMeta, key: unknown, ctx: Pick<CompileContext, 'canRead'>): FieldMeta {
  const field = typeof key === 'string' ? table.fields.find((f) => f.key === key) : undefined;
  if (!field || (ctx.canRead && !ctx.canRead(field))) {
    throw new DomainError('UNKNOWN_FIELD', `Unknown field ${JSON.stringify(String(key).slice(0, 80))}`, { field: key });
  }
  return field;
}

/** Parses the `filter` query parameter (JSON text) or accepts an already parsed tree. */
export function parseFilterParam(raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new DomainError('INVALID_FILTER', 'The filter is not valid JSON');
  }
}

export function compileFilter(table: TableMeta, filter: unknown, ctx: CompileContext): string {
  if (filter === undefined || filter === null) return 'TRUE';
  const counter = { nodes: 0 };
  return compileNode(table, filter, ctx, 0, counter);
}

function compileNode(table: TableMeta, node: unknown, ctx: CompileContext, depth: number, counter: { nodes: number }): string {
  if (depth > MAX_FILTER_DEPTH) throw new DomainError('INVALID_FILTER', `Filters may nest at most ${MAX_FILTER_DEPTH} levels`);
  if (++counter.nodes > MAX_FILTER_NODES)
    throw new DomainError('INVALID_FILTER', `A filter may hold at most ${MAX_FILTER_NODES} conditions`);
  if (!isPlainObject(node)) throw new DomainError('INVALID_FILTER', 'A filter node must be an object');
  const keys = Object.keys(node);
  if (keys.length === 1 && (keys[0] === 'and' || keys[0] === 'or')) {
    const list = node[keys[0]];
    if (!Array.isArray(list)) throw new DomainError('INVALID_FILTER', `"${keys[0]}" takes an array of conditions`);
    if (list.length === 0) return keys[0] === 'and' ? 'TRUE' : 'FALSE';
    const parts = list.map((n) => compileNode(table, n, ctx, depth + 1, counter));
    return '(' + parts.join(keys[0] === 'and' ? ' AND ' : ' OR ') + ')';
  }
  if (keys.length === 1 && keys[0] === 'not') {
    return `NOT COALESCE(${compileNode(table, node.not, ctx, depth + 1, counter)}, FALSE)`;
  }
  for (const k of keys) {
    if (k !== 'field' && k !== 'op' && k !== 'value')
      throw new DomainError('INVALID_FILTER', `Unexpected key ${JSON.stringify(k.slice(0, 40))} in a filter condition`);
  }
  return compileCondition(table, node as unknown as FieldCondition, ctx);
}

export function compileCondition(table: TableMeta, cond: FieldCondition, ctx: CompileContext): string {
  const op = cond.op;
  if (typeof op !== 'string' || !(FILTER_OPS as readonly string[]).includes(op)) {
    throw new DomainError('INVALID_FILTER', `Unknown operator ${JSON.stringify(String(op).slice(0, 40))}`, { field: cond.field, op });
  }
  const sys = typeof cond.field === 'string' ? systemColumn(cond.field) : undefined;
  if (sys) return sys.compile(op, cond.value, ctx);
  const field = effectiveField(resolveField(table, cond.field, ctx));
  const def = getFieldType(field.type);
  if (!def.operators.includes(op)) {
    throw new DomainError('INVALID_FILTER', `The operator "${op}" does not apply to ${field.type} field "${field.key}"`, {
      field: field.key,
      op,
    });
  }
  if (!NO_VALUE_OPS.includes(op) && cond.value === undefined) {
    throw new DomainError('INVALID_FILTER', `The operator "${op}" needs a value`, { field: field.key, op });
  }
  try {
    const custom = def.compileOp?.(op, cond.value, field, ctx.alias, ctx.sql, ctx);
    if (custom !== undefined) return custom;
    return compileDefault(op, cond.value, field, ctx);
  } catch (e) {
    if (e instanceof ValueError) {
      throw new DomainError('INVALID_FILTER', `Invalid value for "${field.key}" ${op}: ${e.message}`, {
        field: field.key,
        op,
        code: e.issue,
      });
    }
    throw e;
  }
}

/**
 * The shared operator semantics over a type's SQL expression and its operand coercion.
 * Exported so that a type's compileOp can wrap it (money adds a currency condition).
 */
export function compileDefault(op: FilterOp, value: unknown, field: FieldMeta, ctx: CompileContext): string {
  const def = getFieldType(field.type);
  const expr = def.sqlExpr(field, ctx.alias);
  const cast = sqlCast(def.sqlKind);
  const operand = (v: unknown) => ctx.sql.param(def.filterOperand(v, field, ctx), cast);
  switch (op) {
    case 'isEmpty':
      return `(${expr}) IS NULL`;
    case 'isNotEmpty':
      return `(${expr}) IS NOT NULL`;
    case 'eq':
      return `(${expr}) = ${operand(value)}`;
    case 'ne':
      return `(${expr}) IS DISTINCT FROM ${operand(value)}`;
    case 'lt':
      return `(${expr}) < ${operand(value)}`;
    case 'lte':
      return `(${expr}) <= ${operand(value)}`;
    case 'gt':
      return `(${expr}) > ${operand(value)}`;
    case 'gte':
      return `(${expr}) >= ${operand(value)}`;
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) throw new ValueError('BETWEEN_NEEDS_TWO', 'between takes [from, to]');
      return `(${expr}) BETWEEN ${operand(value[0])} AND ${operand(value[1])}`;
    }
    case 'in':
    case 'nin': {
      if (!Array.isArray(value)) throw new ValueError('NOT_A_LIST', `${op} takes an array`);
      if (value.length > MAX_IN_VALUES) throw new ValueError('TOO_MANY_VALUES', `at most ${MAX_IN_VALUES} values`);
      const arr = ctx.sql.param(
        value.map((v) => def.filterOperand(v, field, ctx)),
        `${cast}[]`,
      );
      return op === 'in' ? `(${expr}) = ANY(${arr})` : `NOT COALESCE((${expr}) = ANY(${arr}), FALSE)`;
    }
    case 'contains':
    case 'startsWith': {
      if (typeof value !== 'string') throw new ValueError('NOT_TEXT', `${op} takes text`);
      // stored text is NFC (text-normalization.ts): an NFD operand must find it
      const pattern = (op === 'contains' ? '%' : '') + escapeLikeText(value.normalize('NFC')) + '%';
      return `(${expr}) ILIKE ${ctx.sql.param(pattern)}`;
    }
  }
}

function escapeLikeText(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

export function sqlCast(kind: string): string {
  switch (kind) {
    case 'numeric':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'jsonb':
      return 'jsonb';
    default:
      return 'text';
  }
}
