/**
 * The filter builder's model: which operators a field offers (the engine's, per field),
 * the condition a new row starts with, the API filter it sends (half-typed input leaves
 * a condition out, never breaks the grid) and a saved view's filter read back.
 */
import { fieldCapabilities } from '@tabula/schema-engine/wire';
import { describe, expect, test } from 'vitest';
import type { Field, Table } from '../api/types';
import { fieldTypes } from '../field-types/registry';
import { activeCount, ANCHORS, emptyGroup, fromApiFilter, newCondition, toApiFilter, type Condition, type Group } from './filter-model';

const f = (key: string, type: string, options: Record<string, unknown> = {}, primary = false): Field => ({
  id: `id-${key}`,
  key,
  label: key,
  type,
  options,
  required: false,
  unique: false,
  default: null,
  searchable: false,
  position: 0,
  primary,
});
const table: Table = {
  id: 't',
  key: 'orders',
  label: 'Orders',
  primaryField: 'code',
  position: 0,
  fields: [
    f('qty', 'number'),
    f('code', 'text', {}, true),
    f('price', 'money', { currency: 'EUR' }),
    f('vat', 'percent'),
    f('paid', 'boolean'),
    f('due', 'date'),
    f('took', 'duration'),
    f('tier', 'select', { choices: [{ id: 'c1', value: 'gold' }] }),
    f('client', 'link', { table: 't2', multiple: false }),
    f('label', 'formula', { expression: 'code & "!"', resultType: 'text' }),
    f('total', 'formula', { expression: 'qty * price', resultType: 'money', currency: 'EUR' }),
    f('age', 'formula', { expression: 'TODAY() - due', resultType: 'number', volatile: true }),
    f('mystery', 'hologram'),
  ],
};
const field = (key: string) => table.fields.find((x) => x.key === key)!;

function cond(field: string, op: Condition['op'], value = '', extra: Partial<Condition> = {}): Condition {
  return { ...newCondition(table, field), op, value, ...extra };
}
const group = (conj: 'and' | 'or', ...items: Group['items']): Group => ({ kind: 'group', conj, items });

describe('operators', () => {
  test.each(table.fields.filter((x) => x.type !== 'hologram').map((x) => [x.key, x.type]))(
    '%s (%s): exactly the ones the API accepts',
    (key) => {
      expect(new Set(fieldTypes.operators(field(key)))).toEqual(new Set(fieldCapabilities(field(key)).operators));
    },
  );

  test('a formula filters as its result: text ops for text, ordered ops for money, emptiness only when volatile', () => {
    expect(fieldTypes.operators(field('label'))).toContain('contains');
    expect(fieldTypes.operators(field('total'))).toContain('between');
    expect(fieldTypes.operators(field('age'))).toEqual(['isEmpty', 'isNotEmpty']);
  });

  test('a type the engine does not know is filtered by emptiness only', () => {
    expect(fieldTypes.operators(field('mystery'))).toEqual(['isEmpty', 'isNotEmpty']);
  });
});

describe('newCondition', () => {
  test('starts on the primary field, with its type’s preferred operator', () => {
    expect(newCondition(table)).toMatchObject({ kind: 'condition', field: 'code', op: 'contains', value: '', values: [], relative: false });
  });
  test.each([
    ['qty', 'eq'],
    ['label', 'contains'],
    ['paid', 'eq'],
    ['client', 'eq'],
    ['age', 'isEmpty'],
  ])('%s starts with %s', (key, op) => {
    expect(newCondition(table, key).op).toBe(op);
  });
});

describe('toApiFilter', () => {
  test.each<[string, Condition, unknown]>([
    ['text', cond('code', 'contains', 'A-1'), { field: 'code', op: 'contains', value: 'A-1' }],
    ['a number as typed with separators', cond('qty', 'gte', '1,234.5'), { field: 'qty', op: 'gte', value: 1234.5 }],
    ['money: the amount, without its symbol', cond('price', 'lt', '€19.99'), { field: 'price', op: 'lt', value: '19.99' }],
    ['percent points → a fraction', cond('vat', 'eq', '19.5 %'), { field: 'vat', op: 'eq', value: 0.195 }],
    ['yes / no', cond('paid', 'eq', 'false'), { field: 'paid', op: 'eq', value: false }],
    ['a date', cond('due', 'lt', '2026-11-26'), { field: 'due', op: 'lt', value: '2026-11-26' }],
    [
      'a relative date',
      cond('due', 'gte', '', { relative: true, anchor: 'startOfMonth', offset: -1, unit: 'month' }),
      { field: 'due', op: 'gte', value: { relative: 'startOfMonth', offset: -1, unit: 'month' } },
    ],
    [
      'days are the default unit',
      cond('due', 'lte', '', { relative: true, anchor: 'today', offset: 7 }),
      { field: 'due', op: 'lte', value: { relative: 'today', offset: 7 } },
    ],
    ['a duration', cond('took', 'gt', '1:30:00'), { field: 'took', op: 'gt', value: 5400 }],
    ['a list typed with commas', cond('code', 'in', 'A, B;C'), { field: 'code', op: 'in', value: ['A', 'B', 'C'] }],
    ['a list of picked choices', cond('tier', 'nin', '', { values: ['gold'] }), { field: 'tier', op: 'nin', value: ['gold'] }],
    [
      'linked records picked, whatever the operator',
      cond('client', 'eq', '', { values: ['0190f1f4-6c2e-7a3b-8c4d-1234567890ab'] }),
      { field: 'client', op: 'eq', value: ['0190f1f4-6c2e-7a3b-8c4d-1234567890ab'] },
    ],
    ['between', cond('qty', 'between', '1', { value2: '5' }), { field: 'qty', op: 'between', value: [1, 5] }],
    ['is empty needs no value', cond('due', 'isEmpty', 'ignored'), { field: 'due', op: 'isEmpty' }],
    ['a text formula compares text', cond('label', 'contains', 'x'), { field: 'label', op: 'contains', value: 'x' }],
  ])('%s', (_, c, want) => {
    expect(toApiFilter(table, group('and', c))).toEqual(want);
  });

  test.each<[string, Condition]>([
    ['nothing typed', cond('code', 'contains', '  ')],
    ['not a number', cond('qty', 'eq', 'twelve')],
    ['half a range', cond('qty', 'between', '1')],
    ['not a date', cond('due', 'eq', '31.02.2026')],
    ['an empty list', cond('code', 'in', ' , ')],
    ['a field that is gone', { ...cond('code', 'eq', 'x'), field: 'deleted' }],
  ])('leaves out an incomplete condition: %s', (_, c) => {
    expect(toApiFilter(table, group('and', c))).toBeUndefined();
    expect(toApiFilter(table, group('and', c, cond('qty', 'eq', '3')))).toEqual({ field: 'qty', op: 'eq', value: 3 });
    expect(activeCount(table, group('and', c, cond('qty', 'eq', '3')))).toBe(1);
  });

  test('groups nest one level; one condition is sent bare', () => {
    const g = group('and', cond('paid', 'eq', 'true'), group('or', cond('qty', 'gt', '10'), cond('code', 'startsWith', 'VIP')));
    expect(toApiFilter(table, g)).toEqual({
      and: [
        { field: 'paid', op: 'eq', value: true },
        {
          or: [
            { field: 'qty', op: 'gt', value: 10 },
            { field: 'code', op: 'startsWith', value: 'VIP' },
          ],
        },
      ],
    });
    expect(activeCount(table, g)).toBe(3);
    expect(toApiFilter(table, emptyGroup())).toBeUndefined();
  });
});

describe('fromApiFilter (a saved view read back)', () => {
  test.each([
    { field: 'code', op: 'contains', value: 'A-1' },
    { field: 'vat', op: 'gte', value: 0.195 },
    { field: 'took', op: 'lt', value: 5400 },
    { field: 'due', op: 'gte', value: { relative: 'startOfWeek', offset: -2, unit: 'week' } },
    { field: 'qty', op: 'between', value: [1, 5] },
    { field: 'code', op: 'nin', value: ['A', 'B'] },
    {
      and: [
        { field: 'paid', op: 'eq', value: true },
        {
          or: [
            { field: 'qty', op: 'gt', value: 10 },
            { field: 'due', op: 'isNotEmpty' },
          ],
        },
      ],
    },
  ])('%j comes back unchanged through the builder', (filter) => {
    expect(toApiFilter(table, fromApiFilter(table, filter))).toEqual(filter);
    expect(toApiFilter(table, fromApiFilter(table, JSON.stringify(filter)))).toEqual(filter);
  });

  test('shows values as they are typed: percent points, durations', () => {
    const g = fromApiFilter(table, {
      and: [
        { field: 'vat', op: 'eq', value: 0.195 },
        { field: 'took', op: 'eq', value: 5400 },
      ],
    });
    expect(g.items.map((c) => (c as Condition).value)).toEqual(['19.5', '1:30:00']);
  });

  test('what it cannot read becomes an empty group', () => {
    for (const raw of [null, 'not json', 42, { op: 'eq' }]) expect(fromApiFilter(table, raw)).toEqual(emptyGroup());
  });
});

test('the anchors of relative dates are the engine’s, each with a label', () => {
  expect(ANCHORS.map((a) => a.value).sort()).toEqual(['endOfMonth', 'startOfMonth', 'startOfWeek', 'startOfYear', 'today']);
  expect(ANCHORS.every((a) => a.label.length > 0)).toBe(true);
});
