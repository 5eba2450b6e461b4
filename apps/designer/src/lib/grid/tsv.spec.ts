/**
 * Pasting from a spreadsheet: the clipboard's tab-separated text → cells (parseTsv), and
 * copying cells → text a spreadsheet reads back (toTsv); then each pasted cell goes through
 * its field type's `parse` (the grid's paste, grid-edit.svelte.ts).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Field } from '../api/types';
import { fieldTypes } from '../field-types/registry';
import { parseTsv, toTsv } from './tsv';

describe('parseTsv', () => {
  test.each([
    ['one cell', 'a', [['a']]],
    [
      'cells split by tabs, rows by line breaks',
      'a\tb\nc\td',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['Windows and old Mac line breaks', 'a\r\nb\rc', [['a'], ['b'], ['c']]],
    [
      'empty cells keep their place',
      'a\t\tc\n\tb\t',
      [
        ['a', '', 'c'],
        ['', 'b', ''],
      ],
    ],
    ['an empty line is a row with one empty cell', 'a\n\nb', [['a'], [''], ['b']]],
    ['a trailing line break ends the last row', 'a\tb\n', [['a', 'b']]],
    [
      'quotes hold tabs, line breaks and doubled quotes',
      '"x\ty"\t"line 1\nline 2"\t"say ""hi"""',
      [['x\ty', 'line 1\nline 2', 'say "hi"']],
    ],
    ['a quote inside a cell is text', 'the 12" pipe\tb', [['the 12" pipe', 'b']]],
    ['an empty quoted cell', '""\tb', [['', 'b']]],
    ['nothing', '', []],
  ])('%s', (_, text, want) => {
    expect(parseTsv(text)).toEqual(want);
  });

  test('toTsv quotes only what needs it', () => {
    expect(
      toTsv([
        ['a', 'b c'],
        ['x\ty', 'say "hi"', 'two\nlines'],
      ]),
    ).toBe('a\tb c\n"x\ty"\t"say ""hi"""\t"two\nlines"');
  });

  test('what toTsv writes, parseTsv reads back', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', '\n', '"', 'é', '1', '.') });
    const row = fc.array(cell, { minLength: 1, maxLength: 5 });
    // a last row of one empty cell is the trailing line break spreadsheets add, so it is dropped
    const rows = fc.array(row, { minLength: 1, maxLength: 5 }).filter((rs) => !(rs.at(-1)!.length === 1 && rs.at(-1)![0] === ''));
    fc.assert(
      fc.property(rows, (rs) => {
        expect(parseTsv(toTsv(rs))).toEqual(rs);
      }),
    );
  });
});

describe('pasted cells through their field type', () => {
  const field = (type: string, options: Record<string, unknown> = {}): Field => ({
    id: 'f',
    key: 'f',
    label: 'F',
    type,
    options,
    required: false,
    unique: false,
    default: null,
    searchable: false,
    position: 0,
    primary: false,
  });
  const choices = {
    choices: [
      { id: 'c1', value: 'Gold' },
      { id: 'c2', value: 'Silver' },
    ],
  };

  test.each([
    ['text', {}, 'Ada', { value: 'Ada' }],
    ['text', {}, '', { value: null }],
    ['number', {}, '1,234.50', { value: '1234.50' }],
    ['number', {}, '12 345', { value: '12345' }],
    ['number', {}, 'twelve', { error: 'must be a number' }],
    ['money', { currency: 'EUR' }, '€ 19.99', { value: { amount: '19.99', currency: 'EUR' } }],
    ['money', { currency: 'EUR' }, '5 USD', { error: 'this field is in EUR' }],
    ['percent', {}, '19.5 %', { value: 0.195 }],
    ['percent', {}, '7', { value: 0.07 }],
    ['boolean', {}, 'yes', { value: true }],
    ['boolean', {}, '', { value: false }],
    ['boolean', {}, 'maybe', { error: 'must be yes or no' }],
    ['date', {}, '2026-11-26', { value: '2026-11-26' }],
    ['date', {}, '2026-02-30', { error: 'must be a date' }],
    ['duration', {}, '1:30:00', { value: 5400 }],
    ['select', choices, ' gold ', { value: 'Gold' }],
    ['select', choices, 'Bronze', { error: '"Bronze" is not one of the choices' }],
    ['multiSelect', choices, 'Silver, gold; Silver', { value: ['Silver', 'Gold'] }],
  ])('%s %j: %j', (type, options, text, want) => {
    expect(fieldTypes.get(type).parse(text, field(type, options))).toEqual(want);
  });

  test('a copied cell pastes back to the same value', () => {
    for (const [type, value] of [
      ['number', '1234.5'],
      ['percent', 0.195],
      ['duration', 5400],
      ['date', '2026-11-26'],
      ['boolean', true],
    ] as const) {
      const f = field(type);
      const ft = fieldTypes.get(type);
      expect(ft.parse(ft.toText(value, f), f)).toEqual({ value });
    }
  });
});
