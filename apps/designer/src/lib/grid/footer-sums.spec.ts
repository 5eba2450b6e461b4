/**
 * Footer sums of the loaded rows are the server's sums: the table of cases in
 * footer-sums.cases.ts gives, per column, the total `POST …/records/aggregate` answers
 * (tests/api/footer-sums.int-spec.ts checks the server against the same table).
 */
import { describe, expect, test } from 'vitest';
import type { Field, RecordT } from '../api/types';
import { FOOTER_CASES } from './footer-sums.cases';
import { columnSum, columnTotal } from './footer-sums';

function field(type: string, options: Record<string, unknown> = {}): Field {
  return {
    id: 'f1',
    key: 'x',
    label: 'X',
    type,
    options,
    required: false,
    unique: false,
    default: null,
    searchable: false,
    position: 0,
    primary: false,
  };
}

function rows(cells: unknown[]): RecordT[] {
  return cells.map((x, i) => ({ id: `r${i}`, version: 1, data: x === null ? {} : { x }, owner: null, createdAt: '', updatedAt: '' }));
}

describe('columnTotal equals the server aggregate', () => {
  test.each(FOOTER_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const t = columnTotal(field(c.type, c.options), rows(c.cells));
    expect(t.filled).toBe(c.cells.filter((x) => x !== null).length);
    if (typeof c.total === 'string') expect(t).toMatchObject({ sum: c.total, money: null });
    else expect(t).toMatchObject({ sum: null, money: [c.total] });
  });
});

describe('columnTotal beyond what the server adds up', () => {
  test('money with a currency per value: one sum per currency, in order of appearance, each with its minor units', () => {
    const cells = [
      { amount: '10.00', currency: 'USD' },
      { amount: '1.5', currency: 'EUR' },
      { amount: '5', currency: 'USD' },
      { amount: '7', currency: 'JPY' },
    ];
    expect(columnTotal(field('money'), rows(cells)).money).toEqual([
      { amount: '15.00', currency: 'USD' },
      { amount: '1.50', currency: 'EUR' },
      { amount: '7', currency: 'JPY' },
    ]);
  });

  test('a formula giving money adds up like money; cell errors and text are skipped but counted as filled', () => {
    const cells = [
      { amount: '2.50', currency: 'EUR' },
      { error: 'DIV0', message: 'division by zero' },
      { amount: '1.25', currency: 'EUR' },
    ];
    expect(columnTotal(field('formula', { resultType: 'money', currency: 'EUR' }), rows(cells))).toEqual({
      filled: 3,
      sum: null,
      money: [{ amount: '3.75', currency: 'EUR' }],
    });
    expect(columnTotal(field('formula', { resultType: 'number' }), rows([2, 'n/a', '3.5', { error: 'REF' }]))).toEqual({
      filled: 4,
      sum: '5.5',
      money: null,
    });
  });

  test('nothing to add up', () => {
    expect(columnTotal(field('number'), rows([null, null]))).toEqual({ filled: 0, sum: null, money: null });
    expect(columnTotal(field('money', { currency: 'EUR' }), rows([]))).toEqual({ filled: 0, sum: null, money: null });
  });
});

describe('columnSum: the footer text', () => {
  test.each([
    ['number, scale 2', field('number', { scale: 2 }), [1.1, 2.9], '4.00'],
    ['number', field('number'), [0.1, 0.2], '0.3'],
    [
      'money',
      field('money', { currency: 'EUR' }),
      [
        { amount: '0.10', currency: 'EUR' },
        { amount: '0.20', currency: 'EUR' },
      ],
      '€0.30',
    ],
    [
      'money in two currencies',
      field('money'),
      [
        { amount: '1', currency: 'EUR' },
        { amount: '2', currency: 'USD' },
      ],
      '€1.00 · $2.00',
    ],
    ['duration', field('duration'), [90, 30], '2:00'],
    ['empty', field('number'), [], ''],
  ])('%s', (_, f, cells, text) => {
    expect(columnSum(f, rows(cells))?.text).toBe(text);
  });
});
