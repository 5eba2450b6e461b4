/**
 * Filter → SQL: the text and parameters of every operator of every type (a snapshot file
 * plus explicit strings for the subtle ones), bound values only, and the refusals.
 */
import { describe, expect, test } from 'vitest';
import { DomainError } from '../errors.js';
import { getFieldType } from '../registry.js';
import { ctx, makeTable } from '../testing/fixtures.js';
import type { FieldMeta, FilterOp, ValueContext } from '../types.js';
import { compileFilter, MAX_FILTER_DEPTH } from './filter-compiler.js';
import { compileSort } from './sort-compiler.js';
import { SqlBuilder } from './sql-builder.js';

const table = makeTable();
const UUID = '0192f0c1-7a4b-7cde-8f00-123456789abc';

function sqlOf(filter: unknown, opts: { canRead?: (f: FieldMeta) => boolean; context?: ValueContext } = {}) {
  const sql = new SqlBuilder();
  const text = compileFilter(table, filter, { ...(opts.context ?? ctx), alias: 'r', sql, canRead: opts.canRead });
  return { text, values: sql.values };
}

function errorOf(fn: () => unknown): { code: string; details?: unknown } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, details: e.details };
    throw e;
  }
  throw new Error('expected a DomainError');
}

/** A valid operand for each field and operator. */
const SAMPLES: Record<string, [unknown, unknown]> = {
  name: ['Ana', 'Bob'],
  notes: ['x', 'y'],
  qty: [10, '2.5'],
  price: ['9.99', { amount: '100', currency: 'EUR' }],
  amount: [
    { amount: '100', currency: 'USD' },
    { amount: '5', currency: 'USD' },
  ],
  rate: [0.19, '0.2'],
  active: [true, false],
  due: ['2026-11-26', { relative: 'today', offset: -30 }],
  at: ['2026-11-26T14:05:00Z', '2026-11-26'],
  spent: [3600, 90.5],
  status: ['vip', 'regular'],
  tags: ['vip', 'regular'],
  email: ['Ana@Example.com', 'bob@example.com'],
  phone: ['+40 721 234 567', '021 123 4567'],
  site: ['https://example.com', 'https://example.org'],
  assignee: [UUID, UUID.replace('abc', 'def')],
};

function sampleFor(field: FieldMeta, op: FilterOp): unknown {
  const [a, b] = SAMPLES[field.key]!;
  if (op === 'isEmpty' || op === 'isNotEmpty') return undefined;
  if (op === 'in' || op === 'nin' || op === 'between') return [a, b];
  if (field.type === 'multiSelect' && (op === 'eq' || op === 'ne')) return [a, b];
  if (op === 'contains' || op === 'startsWith') return field.type === 'multiSelect' ? [a, b] : 'an';
  return a;
}

const ALL_OPS = table.fields.flatMap((f) => getFieldType(f.type).operators.map((op) => [f.key, f.type, op, f] as const));

describe('every operator of every type', () => {
  test('the table covers every registered type', () => {
    expect(new Set(table.fields.map((f) => f.type)).size).toBe(15);
  });

  test.each(ALL_OPS)('%s (%s) %s', (key, _type, op, field) => {
    const value = sampleFor(field, op);
    const got = sqlOf({ field: key, op, ...(value === undefined ? {} : { value }) });
    expect(got).toMatchSnapshot();
    // every placeholder is bound and every bound value is used
    const used = new Set([...got.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    expect([...used].sort((x, y) => x - y)).toEqual(got.values.map((_, i) => i + 1));
  });
});

describe('explicit SQL', () => {
  test.each([
    ['text eq', { field: 'name', op: 'eq', value: 'Ana' }, `((r.data->>'f1') COLLATE "und-x-icu") = $1::text`, ['Ana']],
    [
      'text contains escapes wildcards',
      { field: 'name', op: 'contains', value: '50%_off\\' },
      `((r.data->>'f1') COLLATE "und-x-icu") ILIKE $1`,
      ['%50\\%\\_off\\\\%'],
    ],
    // operands take the stored canonical form (NFC, one line trimmed): an NFD query finds the NFC record
    [
      'text eq in NFD',
      { field: 'name', op: 'eq', value: ' cafe\u0301 ' },
      `((r.data->>'f1') COLLATE "und-x-icu") = $1::text`,
      ['caf\u00e9'],
    ],
    [
      'text in in NFD',
      { field: 'name', op: 'in', value: ['e\u0301'] },
      `((r.data->>'f1') COLLATE "und-x-icu") = ANY($1::text[])`,
      [['\u00e9']],
    ],
    [
      'text contains in NFD',
      { field: 'name', op: 'contains', value: 'e\u0301 ' },
      `((r.data->>'f1') COLLATE "und-x-icu") ILIKE $1`,
      ['%\u00e9 %'],
    ],
    [
      'longText eq keeps leading space',
      { field: 'notes', op: 'eq', value: ' a\r\nb\n' },
      `((r.data->>'f2') COLLATE "und-x-icu") = $1::text`,
      [' a\nb'],
    ],
    [
      'email eq partial in NFD',
      { field: 'email', op: 'eq', value: ' Jose\u0301@' },
      `((r.data->>'f13') COLLATE "und-x-icu") = $1::text`,
      ['Jos\u00e9@'],
    ],
    [
      'number between',
      { field: 'qty', op: 'between', value: [1, '2.50'] },
      `((r.data->>'f3')::numeric) BETWEEN $1::numeric AND $2::numeric`,
      ['1', '2.5'],
    ],
    ['money amount', { field: 'price', op: 'lt', value: '9.99' }, `(((r.data->'f4'->>'a'))::numeric) < $1::numeric`, ['9.99']],
    [
      'money object operand',
      { field: 'price', op: 'gte', value: { amount: 100, currency: 'EUR' } },
      `(((r.data->'f4'->>'a'))::numeric) >= $1::numeric`,
      ['100'],
    ],
    [
      'money per-value currency',
      { field: 'amount', op: 'eq', value: { amount: '100.00', currency: 'USD' } },
      `(((((r.data->'f5'->>'a'))::numeric) = $1::numeric) AND (r.data->'f5'->>'c') = $2)`,
      ['100', 'USD'],
    ],
    [
      'money per-value ne',
      { field: 'amount', op: 'ne', value: { amount: '1', currency: 'JPY' } },
      `NOT COALESCE((((((r.data->'f5'->>'a'))::numeric) = $1::numeric) AND (r.data->'f5'->>'c') = $2), FALSE)`,
      ['1', 'JPY'],
    ],
    ['money per-value bare', { field: 'amount', op: 'gt', value: '5' }, `(((r.data->'f5'->>'a'))::numeric) > $1::numeric`, ['5']],
    ['boolean', { field: 'active', op: 'eq', value: false }, `((r.data->>'f7')::boolean) = $1::boolean`, [false]],
    [
      'date relative',
      { field: 'due', op: 'gte', value: { relative: 'startOfMonth' } },
      `((r.data->>'f8') COLLATE "C") >= $1::text`,
      ['2026-11-01'],
    ],
    [
      'dateTime instant',
      { field: 'at', op: 'lt', value: '2026-11-26T16:05:00+02:00' },
      `((r.data->>'f9') COLLATE "C") < $1::text`,
      ['2026-11-26T14:05:00.000Z'],
    ],
    [
      'dateTime day (UTC)',
      { field: 'at', op: 'eq', value: { relative: 'today' } },
      `(((r.data->>'f9') COLLATE "C") >= $1::text AND ((r.data->>'f9') COLLATE "C") < $2::text)`,
      ['2026-11-26T00:00:00.000Z', '2026-11-27T00:00:00.000Z'],
    ],
    [
      'dateTime lte day',
      { field: 'at', op: 'lte', value: '2026-11-26' },
      `((r.data->>'f9') COLLATE "C") < $1::text`,
      ['2026-11-27T00:00:00.000Z'],
    ],
    [
      'dateTime gt day',
      { field: 'at', op: 'gt', value: '2026-11-26' },
      `((r.data->>'f9') COLLATE "C") >= $1::text`,
      ['2026-11-27T00:00:00.000Z'],
    ],
    [
      'dateTime between day and instant',
      { field: 'at', op: 'between', value: ['2026-11-01', '2026-11-26T12:00:00Z'] },
      `(((r.data->>'f9') COLLATE "C") >= $1::text AND ((r.data->>'f9') COLLATE "C") <= $2::text)`,
      ['2026-11-01T00:00:00.000Z', '2026-11-26T12:00:00.000Z'],
    ],
    ['select eq maps value to id', { field: 'status', op: 'eq', value: 'regular' }, `((r.data->>'f11')) = $1::text`, ['c2']],
    ['select in', { field: 'status', op: 'in', value: ['vip', 'gone'] }, `((r.data->>'f11')) = ANY($1::text[])`, [['c1', 'c3']]],
    [
      'multiSelect contains one',
      { field: 'tags', op: 'contains', value: 'vip' },
      `COALESCE((r.data->'f12') ?& $1::text[], FALSE)`,
      [['c1']],
    ],
    [
      'multiSelect in',
      { field: 'tags', op: 'in', value: ['vip', 'regular'] },
      `COALESCE((r.data->'f12') ?| $1::text[], FALSE)`,
      [['c1', 'c2']],
    ],
    ['multiSelect nin', { field: 'tags', op: 'nin', value: ['vip'] }, `NOT COALESCE((r.data->'f12') ?| $1::text[], FALSE)`, [['c1']]],
    [
      'multiSelect eq',
      { field: 'tags', op: 'eq', value: ['regular', 'vip'] },
      `COALESCE((r.data->'f12') @> $1::jsonb AND (r.data->'f12') <@ $1::jsonb, FALSE)`,
      ['["c2","c1"]'],
    ],
    [
      'multiSelect eq []',
      { field: 'tags', op: 'eq', value: [] },
      `NOT COALESCE(jsonb_typeof((r.data->'f12')) = 'array' AND (r.data->'f12') <> '[]'::jsonb, FALSE)`,
      [],
    ],
    [
      'multiSelect isEmpty',
      { field: 'tags', op: 'isEmpty' },
      `NOT COALESCE(jsonb_typeof((r.data->'f12')) = 'array' AND (r.data->'f12') <> '[]'::jsonb, FALSE)`,
      [],
    ],
    [
      'email eq normalises the domain',
      { field: 'email', op: 'eq', value: 'Ana@Example.COM' },
      `((r.data->>'f13') COLLATE "und-x-icu") = $1::text`,
      ['Ana@example.com'],
    ],
    ['user nin', { field: 'assignee', op: 'nin', value: [UUID] }, `NOT COALESCE(((r.data->>'f16')) = ANY($1::text[]), FALSE)`, [[UUID]]],
    ['system column', { field: 'created_at', op: 'gte', value: '2026-01-01' }, `r.created_at >= $1::timestamptz`, ['2026-01-01']],
    [
      'system column nin keeps empty owners',
      { field: 'owner', op: 'nin', value: [UUID] },
      `NOT COALESCE(r.owner_id = ANY($1::uuid[]), FALSE)`,
      [[UUID]],
    ],
    [
      'and / or / not',
      { and: [{ field: 'active', op: 'isEmpty' }, { or: [] }, { not: { field: 'qty', op: 'gt', value: 1 } }] },
      `(((r.data->>'f7')::boolean) IS NULL AND FALSE AND NOT COALESCE(((r.data->>'f3')::numeric) > $1::numeric, FALSE))`,
      ['1'],
    ],
  ] as const)('%s', (_name, filter, text, values) => {
    expect(sqlOf(filter)).toEqual({ text, values });
  });

  test('a day in a date-time filter is the day of the workspace time zone', () => {
    const got = sqlOf({ field: 'at', op: 'eq', value: '2026-11-26' }, { context: { ...ctx, timeZone: 'Europe/Bucharest' } });
    expect(got.values).toEqual(['2026-11-25T22:00:00.000Z', '2026-11-26T22:00:00.000Z']);
  });
});

describe('values are bound, never in the text', () => {
  const EVIL = "'; DROP TABLE record; --";
  const stringOps = ALL_OPS.filter(([, , op]) => !['isEmpty', 'isNotEmpty'].includes(op));

  test.each(stringOps)('%s (%s) %s', (key, _type, op) => {
    const value = op === 'in' || op === 'nin' || op === 'between' ? [EVIL, EVIL] : EVIL;
    let got: { text: string; values: unknown[] } | undefined;
    try {
      got = sqlOf({ field: key, op, value });
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('INVALID_FILTER');
      return;
    }
    expect(got.text).not.toContain('DROP');
    expect(JSON.stringify(got.values)).toContain('DROP TABLE record');
  });

  test('a money currency with quotes is refused, not quoted', () => {
    expect(errorOf(() => sqlOf({ field: 'amount', op: 'eq', value: { amount: 1, currency: "EUR'--" } })).code).toBe('INVALID_FILTER');
  });
});

describe('refusals', () => {
  test('unknown field → UNKNOWN_FIELD', () => {
    expect(errorOf(() => sqlOf({ field: 'nope', op: 'eq', value: 1 })).code).toBe('UNKNOWN_FIELD');
  });

  test.each([
    ["name'; DROP TABLE record; --"],
    ['name"'],
    ['data->>f1'],
    ['f1'],
    ['__proto__'],
    ['constructor'],
    [1],
    [null],
    [{ key: 'name' }],
  ])('SQL-looking or odd field key %s → UNKNOWN_FIELD', (key) => {
    expect(errorOf(() => sqlOf({ field: key, op: 'eq', value: 'x' })).code).toBe('UNKNOWN_FIELD');
  });

  test.each([['like'], ['='], ['EQ'], ['eq; DROP'], [undefined], ['__proto__']])('unknown operator %s → INVALID_FILTER', (op) => {
    expect(errorOf(() => sqlOf({ field: 'name', op, value: 'x' })).code).toBe('INVALID_FILTER');
  });

  test.each([
    ['qty', 'contains', '1'],
    ['active', 'gt', true],
    ['status', 'lt', 'vip'],
    ['tags', 'startsWith', 'v'],
    ['assignee', 'gt', UUID],
    ['name', 'between', ['a', 'b']],
  ])('%s does not take %s → INVALID_FILTER', (field, op, value) => {
    expect(errorOf(() => sqlOf({ field, op, value })).code).toBe('INVALID_FILTER');
  });

  test.each([
    ['status', 'eq', 'gold', 'NOT_A_CHOICE'],
    ['tags', 'contains', ['vip', 'gold'], 'NOT_A_CHOICE'],
    ['qty', 'eq', 'ten', 'NOT_A_NUMBER'],
    ['price', 'eq', { amount: 1, currency: 'USD' }, 'CURRENCY_MISMATCH'],
    [
      'amount',
      'in',
      [
        { amount: 1, currency: 'USD' },
        { amount: 1, currency: 'EUR' },
      ],
      'MIXED_CURRENCIES',
    ],
    ['due', 'eq', '2026-02-30', 'INVALID_DATE'],
    ['at', 'eq', '2026-11-26T10:00:00', 'INVALID_DATETIME'],
    ['due', 'eq', { relative: 'yesterday' }, 'INVALID_RELATIVE_DATE'],
    ['active', 'eq', 'true', 'NOT_A_BOOLEAN'],
    ['assignee', 'eq', 'me', 'INVALID_USER'],
    ['qty', 'in', 5, 'NOT_A_LIST'],
    ['qty', 'between', [1], 'BETWEEN_NEEDS_TWO'],
    ['qty', 'in', Array.from({ length: 1001 }, () => 1), 'TOO_MANY_VALUES'],
  ])('%s %s %j → INVALID_FILTER (%s)', (field, op, value, code) => {
    expect(errorOf(() => sqlOf({ field, op, value }))).toMatchObject({ code: 'INVALID_FILTER', details: { field, op, code } });
  });

  test('a value is needed', () => {
    expect(errorOf(() => sqlOf({ field: 'qty', op: 'eq' })).code).toBe('INVALID_FILTER');
  });

  test.each([[[]], ['x'], [{ field: 'name', op: 'eq', value: 'a', extra: 1 }], [{ and: {} }], [{ and: [], or: [] }]])(
    'malformed node %j → INVALID_FILTER',
    (node) => {
      expect(errorOf(() => sqlOf(node)).code).toBe('INVALID_FILTER');
    },
  );

  test(`nesting deeper than ${MAX_FILTER_DEPTH} → INVALID_FILTER`, () => {
    const nest = (n: number): unknown => (n === 0 ? { field: 'qty', op: 'eq', value: 1 } : { and: [nest(n - 1)] });
    expect(() => sqlOf(nest(MAX_FILTER_DEPTH))).not.toThrow();
    expect(errorOf(() => sqlOf(nest(MAX_FILTER_DEPTH + 1))).code).toBe('INVALID_FILTER');
  });

  test('more than 200 conditions → INVALID_FILTER', () => {
    const many = { or: Array.from({ length: 200 }, () => ({ field: 'qty', op: 'eq', value: 1 })) };
    expect(errorOf(() => sqlOf(many)).code).toBe('INVALID_FILTER');
  });

  test('a field the reader may not read is UNKNOWN_FIELD, in filters and sorts', () => {
    const canRead = (f: FieldMeta) => f.key !== 'price';
    expect(errorOf(() => sqlOf({ field: 'price', op: 'gt', value: 1 }, { canRead })).code).toBe('UNKNOWN_FIELD');
    expect(() => sqlOf({ field: 'qty', op: 'gt', value: 1 }, { canRead })).not.toThrow();
    expect(errorOf(() => compileSort(table, '-price', { alias: 'r', sql: new SqlBuilder(), canRead })).code).toBe('UNKNOWN_FIELD');
  });
});
