/**
 * System fields (id, owner, version, created/updated at/by) as filter and sort targets.
 * They are real columns of `record`, not slots of `data`.
 */
import { DomainError } from '../errors.js';
import type { FilterOp, ValueContext } from '../types.js';
import { isUuid } from '../uuid.js';
import type { SqlBuilder } from './sql-builder.js';

export interface SystemColumn {
  key: string;
  column: string;
  cast: 'uuid' | 'timestamptz' | 'int';
  operators: readonly FilterOp[];
  compile(op: FilterOp, value: unknown, ctx: ValueContext & { alias: string; sql: SqlBuilder }): string;
}

const UUID_OPS: readonly FilterOp[] = ['eq', 'ne', 'in', 'nin', 'isEmpty', 'isNotEmpty'];
const ORDERED_OPS: readonly FilterOp[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'nin'];

function operandFor(cast: SystemColumn['cast'], key: string, v: unknown): unknown {
  const bad = () => new DomainError('INVALID_FILTER', `Invalid value for "${key}"`, { field: key });
  if (cast === 'uuid') {
    if (!isUuid(v)) throw bad();
    return v;
  }
  if (cast === 'int') {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad();
    return v;
  }
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw bad();
  return v;
}

function make(key: string, column: string, cast: SystemColumn['cast'], operators: readonly FilterOp[]): SystemColumn {
  return {
    key,
    column,
    cast,
    operators,
    compile(op, value, ctx) {
      if (!operators.includes(op))
        throw new DomainError('INVALID_FILTER', `The operator "${op}" does not apply to "${key}"`, { field: key, op });
      const expr = `${ctx.alias}.${column}`;
      const p = (v: unknown) => ctx.sql.param(operandFor(cast, key, v), cast);
      switch (op) {
        case 'isEmpty':
          return `${expr} IS NULL`;
        case 'isNotEmpty':
          return `${expr} IS NOT NULL`;
        case 'eq':
          return `${expr} = ${p(value)}`;
        case 'ne':
          return `${expr} IS DISTINCT FROM ${p(value)}`;
        case 'lt':
          return `${expr} < ${p(value)}`;
        case 'lte':
          return `${expr} <= ${p(value)}`;
        case 'gt':
          return `${expr} > ${p(value)}`;
        case 'gte':
          return `${expr} >= ${p(value)}`;
        case 'between':
          if (!Array.isArray(value) || value.length !== 2) throw new DomainError('INVALID_FILTER', 'between takes [from, to]');
          return `${expr} BETWEEN ${p(value[0])} AND ${p(value[1])}`;
        case 'in':
        case 'nin': {
          if (!Array.isArray(value) || value.length > 1000)
            throw new DomainError('INVALID_FILTER', `${op} takes an array of at most 1000 values`);
          const arr = ctx.sql.param(
            value.map((v) => operandFor(cast, key, v)),
            `${cast}[]`,
          );
          // nin keeps empty values, like ne (IS DISTINCT FROM) and like nin on fields
          return op === 'in' ? `${expr} = ANY(${arr})` : `NOT COALESCE(${expr} = ANY(${arr}), FALSE)`;
        }
        default:
          throw new DomainError('INVALID_FILTER', `The operator "${op}" does not apply to "${key}"`);
      }
    },
  };
}

const COLUMNS: Record<string, SystemColumn> = {
  id: make('id', 'id', 'uuid', UUID_OPS),
  owner: make('owner', 'owner_id', 'uuid', UUID_OPS),
  created_by: make('created_by', 'created_by', 'uuid', UUID_OPS),
  updated_by: make('updated_by', 'updated_by', 'uuid', UUID_OPS),
  created_at: make('created_at', 'created_at', 'timestamptz', ORDERED_OPS),
  updated_at: make('updated_at', 'updated_at', 'timestamptz', ORDERED_OPS),
  version: make('version', 'version', 'int', ORDERED_OPS),
};

export function systemColumn(key: string): SystemColumn | undefined {
  return Object.prototype.hasOwnProperty.call(COLUMNS, key) ? COLUMNS[key] : undefined;
}
