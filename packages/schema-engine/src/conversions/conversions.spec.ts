/**
 * Table-driven cases for every built-in conversion: [from type, from options, stored in,
 * to type, to options, expected]. Expected is `{ok}` (the stored target value) or a loss
 * code. Every result that is `ok` must also be a valid stored value of the target: it
 * survives the target's toWire → coerce unchanged.
 */
import { describe, expect, test } from 'vitest';
import { makeField } from '../testing/fixtures.js';
import { getFieldType } from '../registry.js';
import { BUILT_IN_CONVERSIONS } from './built-in.js';
import { parseNumberText, shiftDecimal } from './number-text.js';
import { conversionTargets, convertStored, findConversion, requireConversion, type ConversionContext } from './index.js';

const ctx: ConversionContext = {
  today: () => '2026-11-26',
  now: () => new Date('2026-11-26T10:00:00.000Z'),
  timeZone: 'Europe/Bucharest',
  baseCurrency: 'RON',
};

const CH = {
  choices: [
    { id: 'c1', value: 'red' },
    { id: 'c2', value: 'green' },
    { id: 'c3', value: 'a, b' },
  ],
  nextId: 4,
};

type Case = [string, unknown, unknown, string, unknown, { ok: unknown } | string];

const CASES: Case[] = [
  // text → number: plain decimals and unambiguous separators only
  ['text', undefined, '42', 'number', undefined, { ok: '42' }],
  ['text', undefined, ' -1234.50 ', 'number', undefined, { ok: '-1234.5' }],
  ['text', undefined, '1 234,50', 'number', undefined, { ok: '1234.5' }],
  ['text', undefined, '1,234.5', 'number', undefined, { ok: '1234.5' }],
  ['text', undefined, '1.234,5', 'number', undefined, { ok: '1234.5' }],
  ['text', undefined, '1,5', 'number', undefined, { ok: '1.5' }],
  ['text', undefined, '1.234.567', 'number', undefined, { ok: '1234567' }],
  ['text', undefined, '1,234', 'number', undefined, 'AMBIGUOUS_NUMBER'],
  ['text', undefined, 'abc', 'number', undefined, 'NOT_A_NUMBER'],
  ['text', undefined, '1e3', 'number', undefined, 'NOT_A_NUMBER'],
  ['text', undefined, '12,34,5', 'number', undefined, 'NOT_A_NUMBER'],
  ['text', undefined, '1.005', 'number', { scale: 2 }, 'TOO_MANY_DECIMALS'],
  ['text', undefined, '   ', 'number', undefined, { ok: null }],
  // number → text and back
  ['number', undefined, '1234.5', 'text', undefined, { ok: '1234.5' }],
  ['number', undefined, '123456', 'text', { maxLength: 3 }, 'TOO_LONG'],
  // money
  ['number', undefined, '19.99', 'money', { currency: 'EUR' }, { ok: { a: '19.99', c: 'EUR' } }],
  ['number', undefined, '19.999', 'money', { currency: 'EUR' }, 'TOO_MANY_DECIMALS'],
  ['number', undefined, '5', 'money', {}, { ok: { a: '5.00', c: 'RON' } }],
  ['number', undefined, '5.5', 'money', { currency: 'JPY' }, 'TOO_MANY_DECIMALS'],
  ['money', { currency: 'EUR' }, { a: '19.90', c: 'EUR' }, 'number', undefined, { ok: '19.9' }],
  ['money', { currency: 'EUR' }, { a: '19.95', c: 'EUR' }, 'number', { scale: 1 }, 'TOO_MANY_DECIMALS'],
  ['money', {}, { a: '19.90', c: 'USD' }, 'text', undefined, { ok: '19.90 USD' }],
  ['text', undefined, '19.90 USD', 'money', {}, { ok: { a: '19.90', c: 'USD' } }],
  ['text', undefined, 'EUR 1 234,5', 'money', { currency: 'EUR' }, { ok: { a: '1234.50', c: 'EUR' } }],
  ['text', undefined, '€7', 'money', {}, { ok: { a: '7.00', c: 'EUR' } }],
  ['text', undefined, '7 USD', 'money', { currency: 'EUR' }, 'CURRENCY_MISMATCH'],
  ['text', undefined, '7 pcs', 'money', {}, 'INVALID_CURRENCY'],
  // percent
  ['number', undefined, '0.19', 'percent', undefined, { ok: '0.19' }],
  ['percent', undefined, '0.195', 'number', undefined, { ok: '0.195' }],
  ['percent', undefined, '0.195', 'text', undefined, { ok: '19.5%' }],
  ['text', undefined, '19.5 %', 'percent', undefined, { ok: '0.195' }],
  ['text', undefined, '0.2', 'percent', undefined, { ok: '0.2' }],
  ['text', undefined, '19.55%', 'percent', { scale: 1 }, 'TOO_MANY_DECIMALS'],
  // duration
  ['duration', undefined, '5400.5', 'text', undefined, { ok: '1:30:00.5' }],
  ['text', undefined, '1:30:00.5', 'duration', undefined, { ok: '5400.5' }],
  ['text', undefined, '90', 'duration', undefined, { ok: '90' }],
  ['number', undefined, '1.0005', 'duration', undefined, 'TOO_MANY_DECIMALS'],
  // boolean
  ['boolean', undefined, true, 'text', undefined, { ok: 'true' }],
  ['boolean', undefined, false, 'longText', undefined, { ok: 'false' }],
  ['text', undefined, 'Yes', 'boolean', undefined, { ok: true }],
  ['text', undefined, 'FALSE', 'boolean', undefined, { ok: false }],
  ['text', undefined, 'maybe', 'boolean', undefined, 'NOT_A_BOOLEAN'],
  // choices
  ['select', CH, 'c2', 'text', undefined, { ok: 'green' }],
  ['select', CH, 'c9', 'text', undefined, { ok: null }],
  ['text', undefined, ' red ', 'select', CH, { ok: 'c1' }],
  ['text', undefined, 'blue', 'select', CH, 'NOT_A_CHOICE'],
  ['select', CH, 'c2', 'multiSelect', CH, { ok: ['c2'] }],
  ['multiSelect', CH, ['c1'], 'select', CH, { ok: 'c1' }],
  ['multiSelect', CH, ['c1', 'c2'], 'select', CH, 'SEVERAL_VALUES'],
  ['multiSelect', CH, [], 'select', CH, { ok: null }],
  ['multiSelect', CH, ['c1', 'c3'], 'text', undefined, { ok: 'red, a, b' }],
  ['text', undefined, 'green, red', 'multiSelect', CH, { ok: ['c2', 'c1'] }],
  ['text', undefined, 'a, b', 'multiSelect', CH, { ok: ['c3'] }],
  ['text', undefined, 'green, blue', 'multiSelect', CH, 'NOT_A_CHOICE'],
  // dates in the workspace zone (Bucharest: UTC+2 in winter, +3 in summer)
  ['date', undefined, '2026-11-26', 'dateTime', undefined, { ok: '2026-11-25T22:00:00.000Z' }],
  ['date', undefined, '2026-07-01', 'dateTime', undefined, { ok: '2026-06-30T21:00:00.000Z' }],
  ['dateTime', undefined, '2026-11-25T22:30:00.000Z', 'date', undefined, { ok: '2026-11-26' }],
  ['dateTime', undefined, '2026-11-25T21:59:59.000Z', 'date', undefined, { ok: '2026-11-25' }],
  ['text', undefined, '2026-11-26', 'date', undefined, { ok: '2026-11-26' }],
  ['text', undefined, '26.11.2026', 'date', undefined, 'INVALID_DATE'],
  ['text', undefined, '2026-02-30', 'date', undefined, 'INVALID_DATE'],
  ['text', undefined, '2026-11-26T14:05:00Z', 'dateTime', undefined, { ok: '2026-11-26T14:05:00.000Z' }],
  ['text', undefined, '2026-11-26 14:05', 'dateTime', undefined, { ok: '2026-11-26T12:05:00.000Z' }],
  ['text', undefined, '2026-11-26', 'dateTime', undefined, { ok: '2026-11-25T22:00:00.000Z' }],
  ['dateTime', undefined, '2026-11-26T14:05:00.000Z', 'text', undefined, { ok: '2026-11-26T14:05:00.000Z' }],
  // validated text and long text
  ['text', undefined, 'Ana@Example.COM', 'email', undefined, { ok: 'Ana@example.com' }],
  ['text', undefined, 'not an email', 'email', undefined, 'INVALID_EMAIL'],
  ['url', undefined, 'https://example.com/', 'text', undefined, { ok: 'https://example.com/' }],
  ['longText', undefined, 'one\ntwo', 'text', undefined, 'LINE_BREAK'],
  ['text', undefined, 'x', 'longText', undefined, { ok: 'x' }],
  ['user', undefined, '0192f0c1-7a4b-7cde-8f00-123456789abc', 'text', undefined, { ok: '0192f0c1-7a4b-7cde-8f00-123456789abc' }],
];

describe('conversions', () => {
  test.each(CASES)('%s %j: %j → %s %j', (fromType, fromOpts, stored, toType, toOpts, expected) => {
    const from = makeField(fromType, fromOpts);
    const to = makeField(toType, toOpts);
    const r = convertStored(requireConversion(fromType, toType), stored, from, to, ctx);
    if (typeof expected === 'string') {
      expect(r).toMatchObject({ code: expected });
      expect(typeof (r as { lost: string }).lost).toBe('string');
      return;
    }
    expect(r).toEqual(expected);
    const ok = (r as { ok: unknown }).ok;
    if (ok !== null) {
      const def = getFieldType(toType);
      expect(def.coerce(def.toWire(ok, to), to, ctx)).toEqual(ok);
    }
  });

  test('empty stays empty for every conversion', () => {
    for (const c of BUILT_IN_CONVERSIONS) {
      expect(
        convertStored(
          c,
          null,
          makeField(c.from, c.from.endsWith('elect') ? CH : undefined),
          makeField(c.to, c.to.endsWith('elect') ? CH : undefined),
          ctx,
        ),
      ).toEqual({ ok: null });
    }
  });

  test('text → select names the values that are not choices', () => {
    const r = convertStored(
      requireConversion('text', 'multiSelect'),
      'red, blue, pink',
      makeField('text'),
      makeField('multiSelect', CH),
      ctx,
    );
    expect(r).toMatchObject({ code: 'NOT_A_CHOICE', missing: ['blue', 'pink'] });
  });

  test('select ↔ multiSelect carry their choices', () => {
    const opts = findConversion('select', 'multiSelect')!.carryOptions!(makeField('select', CH));
    expect(getFieldType('multiSelect').parseOptions(opts)).toEqual(CH);
  });

  test('unknown conversions are refused with the possible targets', () => {
    expect(findConversion('boolean', 'date')).toBeUndefined();
    expect(() => requireConversion('boolean', 'date')).toThrow(/boolean field cannot be converted to date; it can become: longText, text/);
    expect(conversionTargets('select')).toEqual(['longText', 'multiSelect', 'text']);
    expect(conversionTargets('text')).toContain('number');
  });

  test('number text helpers', () => {
    expect(parseNumberText('−5')).toBe('-5');
    expect(parseNumberText("1'234'567.25")).toBe('1234567.25');
    expect(parseNumberText('0,125')).toBe('0.125');
    expect(() => parseNumberText('1 2345')).toThrow();
    expect(() => parseNumberText('(5)')).toThrow();
    expect(shiftDecimal('0.195', 2)).toBe('19.5');
    expect(shiftDecimal('-19.5', -2)).toBe('-0.195');
    expect(shiftDecimal('5', -3)).toBe('0.005');
    expect(shiftDecimal('0.05', 3)).toBe('50');
    expect(shiftDecimal(1e-7, 2)).toBe('0.00001');
    expect(shiftDecimal(0.07, 2)).toBe('7');
  });
});
