/**
 * `sort=key,-key` → ORDER BY over typed expressions, always ending in `id` so that keyset
 * paging is stable. NULLs sort last in both directions.
 *
 * The `id` tie-breaker follows the direction of the first key (unless `id` is given
 * explicitly), so that `-date` is `date DESC NULLS LAST, id DESC NULLS LAST`: exactly the
 * order of an index `(expr DESC NULLS LAST, id DESC NULLS LAST)`, which the planner can walk
 * and stop after the page (with `id ASC` it had to sort every match).
 */
import { DomainError } from '../errors.js';
import { effectiveField, getFieldType } from '../registry.js';
import type { SqlKind, TableMeta } from '../types.js';
import { resolveField } from './filter-compiler.js';
import type { SqlBuilder } from './sql-builder.js';
import { systemColumn } from './system-columns.js';

export const MAX_SORT_KEYS = 5;

export interface SortKey {
  key: string;
  expr: string;
  desc: boolean;
  /** Cast for a cursor value bound back into SQL. */
  cast: string;
  /** The expression is never NULL (a NOT NULL system column): the keyset condition skips `OR … IS NULL`. */
  notNull?: boolean;
}

export function compileSort(
  table: TableMeta,
  sort: unknown,
  opts: { alias: string; sql: SqlBuilder; canRead?: (f: import('../types.js').FieldMeta) => boolean },
): SortKey[] {
  const keys: SortKey[] = [];
  if (sort === undefined || sort === null || sort === '') return withId(keys, opts.alias);
  if (typeof sort !== 'string')
    throw new DomainError('VALIDATION_FAILED', 'sort must be a comma-separated list of field keys', {
      sort: { code: 'INVALID_SORT', message: 'must be text' },
    });
  const parts = sort
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length > MAX_SORT_KEYS)
    throw new DomainError('VALIDATION_FAILED', `At most ${MAX_SORT_KEYS} sort keys`, {
      sort: { code: 'TOO_MANY_SORT_KEYS', message: `at most ${MAX_SORT_KEYS}` },
    });
  // `id` is unique: keys after it cannot change the order, so they are checked but not used
  let idDesc: boolean | undefined;
  for (const part of parts) {
    const desc = part.startsWith('-');
    const key = desc || part.startsWith('+') ? part.slice(1) : part;
    const sys = systemColumn(key);
    if (sys) {
      if (key === 'id') idDesc ??= desc;
      else if (idDesc === undefined)
        keys.push({
          key,
          expr: `${opts.alias}.${sys.column}`,
          desc,
          cast: sys.cast,
          ...(NOT_NULL_COLUMNS.has(sys.column) ? { notNull: true } : {}),
        });
      continue;
    }
    const field = effectiveField(resolveField(table, key, opts));
    const def = getFieldType(field.type);
    if (!def.sortable) {
      throw new DomainError('VALIDATION_FAILED', `Field "${field.key}" cannot be sorted on`, {
        sort: { code: 'NOT_SORTABLE', message: `${field.type} fields are not sortable` },
      });
    }
    if (idDesc !== undefined) continue;
    const expr = def.sortExpr ? def.sortExpr(field, opts.alias, opts.sql) : def.sqlExpr(field, opts.alias);
    keys.push({ key, expr, desc, cast: castFor(def.sortExpr && def.sortKind ? def.sortKind : def.sqlKind) });
  }
  // (before: `-id,name` sorted by name first, since id was always moved to the end)
  // the tie-breaker follows the first key, so that one index direction serves the whole order
  return withId(keys, opts.alias, idDesc ?? keys[0]?.desc ?? false);
}

const NOT_NULL_COLUMNS = new Set(['id', 'version', 'created_at', 'updated_at']);

function withId(keys: SortKey[], alias: string, desc = false): SortKey[] {
  keys.push({ key: 'id', expr: `${alias}.id`, desc, cast: 'uuid', notNull: true });
  return keys;
}

function castFor(kind: SqlKind): string {
  return kind === 'numeric' ? 'numeric' : kind === 'boolean' ? 'boolean' : 'text';
}

export function orderByClause(keys: SortKey[]): string {
  return keys.map((k) => `${k.expr} ${k.desc ? 'DESC' : 'ASC'} NULLS LAST`).join(', ');
}

/**
 * The keyset condition "row comes after the cursor" for the sort keys, with NULLs last:
 * OR over i of (k1 = v1 AND … AND k(i-1) = v(i-1) AND ki after vi).
 */
export function afterCondition(keys: SortKey[], values: (string | null)[], sql: SqlBuilder): string {
  if (values.length !== keys.length)
    throw new DomainError('VALIDATION_FAILED', 'The cursor does not match this sort', {
      after: { code: 'INVALID_CURSOR', message: 'does not match the sort' },
    });
  const ors: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const ands: string[] = [];
    for (let j = 0; j < i; j++) ands.push(eqCond(keys[j]!, values[j]!, sql));
    ands.push(afterOne(keys[i]!, values[i]!, sql));
    ors.push('(' + ands.join(' AND ') + ')');
  }
  return '(' + ors.join(' OR ') + ')';
}

function eqCond(k: SortKey, v: string | null, sql: SqlBuilder): string {
  return v === null ? `${k.expr} IS NULL` : `${k.expr} = ${sql.param(v, k.cast)}`;
}

function afterOne(k: SortKey, v: string | null, sql: SqlBuilder): string {
  if (v === null) return 'FALSE'; // nothing non-null comes after a NULL (NULLs last), ties go to later keys
  const p = sql.param(v, k.cast);
  if (k.notNull) return `${k.expr} ${k.desc ? '<' : '>'} ${p}`;
  return `(${k.expr} ${k.desc ? '<' : '>'} ${p} OR ${k.expr} IS NULL)`;
}

/** Cursor: base64url JSON of the sort signature and the last row's sort values. */
export function encodeCursor(keys: SortKey[], values: (string | null)[]): string {
  return Buffer.from(JSON.stringify({ s: keys.map((k) => (k.desc ? '-' : '') + k.key).join(','), v: values })).toString('base64url');
}

/**
 * Large enough for five sort keys holding 1000-character text in any script (up to 4 UTF-8
 * bytes a character, a third more in base64); 4096 refused the cursor of a single text key
 * of 1000 CJK characters.
 */
export const MAX_CURSOR_LENGTH = 32_768;

export function decodeCursor(keys: SortKey[], cursor: unknown): (string | null)[] {
  const bad = () =>
    new DomainError('VALIDATION_FAILED', 'Invalid cursor', { after: { code: 'INVALID_CURSOR', message: 'not a cursor of this list' } });
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const sig = keys.map((k) => (k.desc ? '-' : '') + k.key).join(',');
  if (typeof parsed !== 'object' || parsed === null) throw bad();
  const { s, v } = parsed as { s?: unknown; v?: unknown };
  if (s !== sig || !Array.isArray(v) || v.length !== keys.length) throw bad();
  v.forEach((x, i) => {
    if (x !== null && typeof x !== 'string') throw bad();
    if (x !== null && !validForCast(keys[i]!.cast, x)) throw bad();
  });
  return v as (string | null)[];
}

function validForCast(cast: string, v: string): boolean {
  switch (cast) {
    case 'numeric':
      return /^-?\d+(\.\d+)?$/.test(v);
    case 'uuid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
    case 'boolean':
      return v === 'true' || v === 'false';
    case 'int':
      return /^-?\d{1,10}$/.test(v);
    case 'timestamptz':
      return /^\d{4}-\d{2}-\d{2}[ T][0-9:.+\-Z]{8,40}$/.test(v);
    default:
      return v.length <= 2000;
  }
}
