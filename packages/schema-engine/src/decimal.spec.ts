/** Exact decimals: parsing, formatting, rounding, comparison, and JS numbers as text. */
import { describe, expect, test } from 'vitest';
import {
  compareDecimal,
  formatDecimal,
  isDecimal,
  normalizeDecimal,
  numberToDecimalString,
  parseDecimal,
  roundDecimal,
  sumDecimals,
} from './decimal.js';
import { padToMinorUnits } from './currencies.js';
import { ValueError } from './errors.js';

describe('parseDecimal', () => {
  test.each([
    ['19.99', { neg: false, int: '19', frac: '99' }],
    ['-0.50', { neg: true, int: '0', frac: '5' }],
    ['+007', { neg: false, int: '7', frac: '' }],
    ['  12.300 ', { neg: false, int: '12', frac: '3' }],
    ['-0', { neg: false, int: '0', frac: '' }],
    ['-0.000', { neg: false, int: '0', frac: '' }],
    [0.1, { neg: false, int: '0', frac: '1' }],
    [-1e-7, { neg: true, int: '0', frac: '0000001' }],
  ])('%s', (input, want) => {
    expect(parseDecimal(input)).toEqual(want);
  });

  test.each([['1e5'], ['.5'], ['5.'], ['1,5'], ['0x10'], [''], ['--1'], ['1 000'], [NaN], [Infinity], [true], [null], [{}], [['1']]])(
    'refuses %s',
    (input) => {
      expect(() => parseDecimal(input)).toThrow(ValueError);
    },
  );

  test('at most 40 digits', () => {
    expect(() => parseDecimal('1'.repeat(40))).not.toThrow();
    expect(() => parseDecimal('1'.repeat(41))).toThrow(expect.objectContaining({ issue: 'TOO_MANY_DIGITS' }));
    expect(() => parseDecimal('0.' + '1'.repeat(40))).toThrow(expect.objectContaining({ issue: 'TOO_MANY_DIGITS' }));
  });
});

describe('numberToDecimalString', () => {
  test.each([
    [0.1, '0.1'],
    [0.1 + 0.2, '0.3'],
    [1e21, '1000000000000000000000'],
    [1.5e21, '1500000000000000000000'],
    [1e-7, '0.0000001'],
    [-1.25e-7, '-0.000000125'],
    [-0, '0'],
    [123456789.123, '123456789.123'],
    [2 ** 53 + 1, '9007199254740990'],
    [-42, '-42'],
  ])('%s → %s', (n, want) => {
    expect(numberToDecimalString(n)).toBe(want);
  });
});

describe('formatDecimal / normalizeDecimal', () => {
  test('pads to a minimum scale without rounding', () => {
    expect(formatDecimal(parseDecimal('0.1'), 2)).toBe('0.10');
    expect(formatDecimal(parseDecimal('0.125'), 2)).toBe('0.125');
    expect(formatDecimal(parseDecimal('-3'), 3)).toBe('-3.000');
  });
  test('normalises', () => {
    expect(normalizeDecimal('0100.5000')).toBe('100.5');
    expect(normalizeDecimal('-0.0')).toBe('0');
    expect(normalizeDecimal(1e21)).toBe('1000000000000000000000');
  });
});

describe('roundDecimal (half away from zero)', () => {
  test.each([
    ['1.005', 2, '1.01'],
    ['1.004', 2, '1'],
    ['-1.005', 2, '-1.01'],
    ['0.5', 0, '1'],
    ['-0.5', 0, '-1'],
    ['-0.4', 0, '0'],
    ['9.999', 2, '10'],
    ['99.95', 1, '100'],
    ['0.0049', 2, '0'],
    ['1.2', 4, '1.2'],
  ])('%s to %i → %s', (s, scale, want) => {
    expect(formatDecimal(roundDecimal(parseDecimal(s), scale))).toBe(want);
  });
});

describe('compareDecimal', () => {
  test.each([
    ['100.00', '9.99', 1],
    ['9.99', '100.00', -1],
    ['0.10', '0.1', 0],
    ['-1', '-0.5', -1],
    ['-0', '0', 0],
    ['12345678901234567890.000000000001', '12345678901234567890', 1],
  ])('%s vs %s', (a, b, want) => {
    expect(compareDecimal(a, b)).toBe(want);
  });
});

describe('sumDecimals (as PostgreSQL sums numeric, normalised as the API answers)', () => {
  test.each([
    [[], '0'],
    [['0.1', '0.2'], '0.3'],
    [[0.1, 0.2], '0.3'],
    [['19.99', '0.01', '-20'], '0'],
    [['1.50', '2.5'], '4'],
    [['-0.5', '0.25'], '-0.25'],
    [[1e21, 1], '1000000000000000000001'],
    [[1.23456789012345e-10, '1'], '1.000000000123456789012345'],
    [['99999999999999999999.99', '0.01'], '100000000000000000000'],
    [['12345678901234567890.123456789', '-0.000000001'], '12345678901234567890.123456788'],
  ])('%j → %s', (values, want) => {
    expect(sumDecimals(values)).toBe(want);
  });

  test('refuses what is not a decimal, as parseDecimal does', () => {
    expect(() => sumDecimals(['1', 'abc'])).toThrow(ValueError);
    expect(isDecimal('abc')).toBe(false);
    expect(isDecimal(' 1.5 ')).toBe(true);
    expect(isDecimal(Infinity)).toBe(false);
  });
});

describe('padToMinorUnits', () => {
  test.each([
    ['4.5', 'EUR', '4.50'],
    ['4', 'EUR', '4.00'],
    ['1200', 'JPY', '1200'],
    ['1.5', 'KWD', '1.500'],
    ['0.125', 'EUR', '0.125'],
    ['-0.1', 'EUR', '-0.10'],
    ['4.50', 'XXX', '4.5'],
  ])('%s %s → %s', (amount, currency, want) => {
    expect(padToMinorUnits(amount, currency)).toBe(want);
  });
});
