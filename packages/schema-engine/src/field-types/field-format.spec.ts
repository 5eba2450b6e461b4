/** Display/export formatting of each type. Intl output is compared with plain spaces. */
import { expect, test } from 'vitest';
import { getFieldType } from '../registry.js';
import { CHOICES, makeField } from '../testing/fixtures.js';
import type { FormatOptions } from '../types.js';

const CASES: [string, unknown, unknown, FormatOptions | undefined, string][] = [
  ['money', { currency: 'EUR' }, { amount: '0.10', currency: 'EUR' }, undefined, '€0.10'],
  ['money', { currency: 'EUR' }, { amount: '0.10', currency: 'EUR' }, { locale: 'de-DE' }, '0,10 €'],
  ['money', { currency: 'EUR' }, '1234567.5', { locale: 'de-DE' }, '1.234.567,50 €'],
  ['money', {}, { amount: '1500', currency: 'JPY' }, undefined, '¥1,500'],
  ['money', {}, { amount: '1.500', currency: 'KWD' }, undefined, 'KWD 1.500'],
  ['money', {}, { amount: '12345678901234567890.12', currency: 'USD' }, undefined, '$12,345,678,901,234,567,890.12'],
  ['money', {}, null, undefined, ''],
  ['number', { scale: 2 }, 1234.5, { locale: 'de-DE' }, '1.234,50'],
  ['number', {}, '12345678901234567890.125', undefined, '12,345,678,901,234,567,890.125'],
  ['number', {}, 1e-7, undefined, '0.0000001'],
  ['number', {}, 1e21, undefined, '1,000,000,000,000,000,000,000'],
  ['percent', {}, 0.19, { locale: 'de-DE' }, '19 %'],
  ['percent', {}, 0.19, undefined, '19%'],
  ['percent', { scale: 1 }, 0.195, undefined, '19.5%'],
  ['percent', {}, '0.125', undefined, '12.5%'],
  ['duration', {}, 3725, undefined, '1:02:05'],
  ['duration', {}, 90061.5, undefined, '25:01:01.5'],
  ['duration', {}, -30, undefined, '-0:00:30'],
  ['duration', {}, 0, undefined, '0:00:00'],
  ['boolean', {}, true, undefined, 'Yes'],
  ['boolean', {}, false, undefined, 'No'],
  ['date', {}, '2026-11-26', { locale: 'de-DE' }, '26.11.2026'],
  ['date', {}, '2026-11-26', undefined, '2026-11-26'],
  ['dateTime', {}, '2026-11-26T14:05:00.000Z', { timeZone: 'Europe/Bucharest' }, '2026-11-26, 16:05'],
  ['dateTime', {}, '2026-11-26T14:05:30.000Z', { locale: 'de-DE' }, '26.11.2026, 14:05:30'],
  ['select', CHOICES, 'vip', undefined, 'vip'],
  ['multiSelect', CHOICES, ['vip', 'regular'], undefined, 'vip, regular'],
  ['email', {}, 'a@example.com', undefined, 'a@example.com'],
  ['text', {}, null, undefined, ''],
];

test.each(
  CASES.map(
    ([type, o, wire, opts, want]) => [type, JSON.stringify(wire), opts?.locale ?? opts?.timeZone ?? '', o, wire, opts, want] as const,
  ),
)('%s %s %s', (type, _w, _l, options, wire, opts, want) => {
  const field = makeField(type, options);
  expect(getFieldType(type).format(wire, field, opts).replace(/\s/g, ' ')).toBe(want);
});
