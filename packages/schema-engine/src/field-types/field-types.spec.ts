/**
 * The shared table of cases: every registered field type must have an entry here, and
 * each entry is run the same way — valid wire input → stored form → wire form (and the
 * stored form survives JSON and re-coercion unchanged); invalid input → ValueError with
 * the expected issue code.
 */
import { describe, expect, test } from 'vitest';
import { fieldTypeNames, getFieldType, registerFieldType } from '../registry.js';
import { ctx, CHOICES, issueOf, makeField } from '../testing/fixtures.js';
import { FILTER_OPS } from '../types.js';
import { BUILT_IN_FIELD_TYPES } from './all.js';
import { textFieldType } from './text.field-type.js';

interface Suite {
  type: string;
  name?: string;
  options?: unknown;
  /** [wire input, stored form, wire form] */
  valid: [unknown, unknown, unknown][];
  /** [wire input, issue code] */
  invalid: [unknown, string][];
}

const UUID = '0192f0c1-7a4b-7cde-8f00-123456789abc';

const SUITES: Suite[] = [
  {
    type: 'attachment',
    options: { maxSize: 1024, accept: ['image/*', 'application/pdf'] },
    valid: [
      [
        [{ id: UUID, name: 'scan.pdf', size: 10, type: 'application/pdf' }],
        [{ id: UUID, name: 'scan.pdf', size: 10, type: 'application/pdf' }],
        [{ id: UUID, name: 'scan.pdf', size: 10, type: 'application/pdf' }],
      ],
      [
        [{ type: 'image/png', size: 0, name: 'a\u202Eb\n.png', id: UUID.toUpperCase() }],
        [{ id: UUID, name: 'ab .png', size: 0, type: 'image/png' }],
        [{ id: UUID, name: 'ab .png', size: 0, type: 'image/png' }],
      ],
    ],
    invalid: [
      [{ id: UUID }, 'NOT_A_LIST'],
      [[UUID], 'INVALID_ATTACHMENT'],
      [[{ id: UUID, name: 'a', size: 1, type: 'a/b', path: '/etc' }], 'INVALID_ATTACHMENT'],
      [[{ id: UUID, name: 'a', size: -1, type: 'a/b' }], 'INVALID_ATTACHMENT'],
    ],
  },
  { type: 'formula', options: { expression: 'a + 1', resultType: 'number' }, valid: [], invalid: [[1, 'READ_ONLY']] },
  { type: 'lookup', options: { link: 'client', field: 'name' }, valid: [], invalid: [['x', 'READ_ONLY']] },
  { type: 'rollup', options: { link: 'lines', field: 'qty', aggregate: 'sum' }, valid: [], invalid: [[1, 'READ_ONLY']] },
  {
    type: 'link',
    options: { table: UUID, multiple: true },
    valid: [
      [[UUID], [UUID], [UUID]],
      [[UUID.toUpperCase(), UUID], [UUID], [UUID]],
    ],
    invalid: [
      [['x'], 'INVALID_LINK'],
      [[{ id: 'x' }], 'INVALID_LINK'],
      [123, 'INVALID_LINK'],
    ],
  },
  {
    type: 'autonumber',
    options: { format: 'INV-{YYYY}-{0000}', gapless: true },
    valid: [],
    invalid: [
      ['INV-2026-0001', 'READ_ONLY'],
      [1, 'READ_ONLY'],
    ],
  },
  {
    type: 'text',
    options: { maxLength: 5 },
    valid: [
      ['abc', 'abc', 'abc'],
      ['ăș✓zü', 'ăș✓zü', 'ăș✓zü'],
      [' a ', 'a', 'a'],
      // NFD "é" (e + U+0301) is stored as NFC U+00E9: maxLength counts what readers see
      ['e\u0301te\u0301', '\u00e9t\u00e9', '\u00e9t\u00e9'],
      ['\u00a0Ana\u3000', 'Ana', 'Ana'],
      // joiners that draw something stay: Persian ZWNJ, a Devanagari conjunct, an emoji sequence, a flag
      ['\u0645\u06cc\u200c\u062e', '\u0645\u06cc\u200c\u062e', '\u0645\u06cc\u200c\u062e'],
      ['\u0915\u094d\u200d\u0937', '\u0915\u094d\u200d\u0937', '\u0915\u094d\u200d\u0937'],
      ['👩\u200d💻', '👩\u200d💻', '👩\u200d💻'],
      ['❤\ufe0f', '❤\ufe0f', '❤\ufe0f'],
    ],
    invalid: [
      [123, 'NOT_TEXT'],
      [true, 'NOT_TEXT'],
      [['a'], 'NOT_TEXT'],
      [{ a: { b: 1 } }, 'NOT_TEXT'],
      ['abcdef', 'TOO_LONG'],
      ['a\nb', 'LINE_BREAK'],
      ['a\u2028b', 'LINE_BREAK'],
      ['a\u0000', 'INVALID_CHARACTER'],
      ['a\tb', 'INVALID_CHARACTER'],
      ['a\u0085b', 'INVALID_CHARACTER'],
      ['pay\u200bpal', 'INVALID_CHARACTER'],
      ['ad\u200dmin', 'INVALID_CHARACTER'],
      ['ab\u202ecd', 'INVALID_CHARACTER'],
      ['ab\u2066c', 'INVALID_CHARACTER'],
      ['a\u200fb', 'INVALID_CHARACTER'],
      ['a\u061cb', 'INVALID_CHARACTER'],
      ['a\u2060b', 'INVALID_CHARACTER'],
      ['a\ufeffb', 'INVALID_CHARACTER'],
      ['a\u00adb', 'INVALID_CHARACTER'],
      ['a\ufe0f', 'INVALID_CHARACTER'],
      ['\u3164', 'INVALID_CHARACTER'],
      ['a\ud800', 'INVALID_CHARACTER'],
    ],
  },
  {
    type: 'longText',
    valid: [
      ['line 1\nline 2', 'line 1\nline 2', 'line 1\nline 2'],
      ['a\r\nb\rc', 'a\nb\nc', 'a\nb\nc'],
      ['  indented\n\tline  \n\n', '  indented\n\tline', '  indented\n\tline'],
      ['cafe\u0301', 'caf\u00e9', 'caf\u00e9'],
      // prose keeps the format characters right-to-left writing needs
      ['\u05e9\u05dc\u05d5\u05dd \u200fABC', '\u05e9\u05dc\u05d5\u05dd \u200fABC', '\u05e9\u05dc\u05d5\u05dd \u200fABC'],
    ],
    invalid: [
      [1, 'NOT_TEXT'],
      ['x'.repeat(100_001), 'TOO_LONG'],
      ['a\u0000b', 'INVALID_CHARACTER'],
      ['bell\u0007', 'INVALID_CHARACTER'],
      ['a\u009bb', 'INVALID_CHARACTER'],
      ['\udc00', 'INVALID_CHARACTER'],
    ],
  },
  {
    type: 'number',
    options: { scale: 2 },
    valid: [
      [1.5, '1.5', 1.5],
      ['007.50', '7.5', 7.5],
      ['-0', '0', 0],
      [0.1, '0.1', 0.1],
      ['12345678901234567890.12', '12345678901234567890.12', '12345678901234567890.12'],
      [-42, '-42', -42],
    ],
    invalid: [
      ['1.234', 'TOO_MANY_DECIMALS'],
      ['abc', 'NOT_A_NUMBER'],
      ['1e5', 'NOT_A_NUMBER'],
      [true, 'NOT_A_NUMBER'],
      [{ a: 1 }, 'NOT_A_NUMBER'],
      [[1], 'NOT_A_NUMBER'],
      [Infinity, 'NOT_A_NUMBER'],
      ['1'.repeat(41), 'TOO_MANY_DIGITS'],
    ],
  },
  {
    type: 'money',
    name: 'money (fixed EUR)',
    options: { currency: 'EUR' },
    valid: [
      ['19.99', { a: '19.99', c: 'EUR' }, { amount: '19.99', currency: 'EUR' }],
      [0.1, { a: '0.10', c: 'EUR' }, { amount: '0.10', currency: 'EUR' }],
      ['0.10', { a: '0.10', c: 'EUR' }, { amount: '0.10', currency: 'EUR' }],
      [
        { amount: '5', currency: 'EUR' },
        { a: '5.00', c: 'EUR' },
        { amount: '5.00', currency: 'EUR' },
      ],
      [{ amount: -3.5 }, { a: '-3.50', c: 'EUR' }, { amount: '-3.50', currency: 'EUR' }],
      [
        '123456789012345678901234.56',
        { a: '123456789012345678901234.56', c: 'EUR' },
        { amount: '123456789012345678901234.56', currency: 'EUR' },
      ],
    ],
    invalid: [
      [{ amount: '1', currency: 'USD' }, 'CURRENCY_MISMATCH'],
      ['0.001', 'TOO_MANY_DECIMALS'],
      [{ amount: '1', currency: 'EURO' }, 'INVALID_CURRENCY'],
      [{ amount: '1', currency: 'eur' }, 'INVALID_CURRENCY'],
      [{ amount: { x: 1 } }, 'NOT_A_NUMBER'],
      [{ amount: '1', extra: 1 }, 'INVALID_MONEY'],
      [{ currency: 'EUR' }, 'INVALID_MONEY'],
      [['1'], 'INVALID_MONEY'],
      [true, 'NOT_A_NUMBER'],
      ['1,50', 'NOT_A_NUMBER'],
    ],
  },
  {
    type: 'money',
    name: 'money (per-value currency)',
    options: { currency: null },
    valid: [
      [
        { amount: '100', currency: 'JPY' },
        { a: '100', c: 'JPY' },
        { amount: '100', currency: 'JPY' },
      ],
      [
        { amount: '1.5', currency: 'KWD' },
        { a: '1.500', c: 'KWD' },
        { amount: '1.500', currency: 'KWD' },
      ],
      [
        { amount: '0.0001', currency: 'CLF' },
        { a: '0.0001', c: 'CLF' },
        { amount: '0.0001', currency: 'CLF' },
      ],
      [
        { amount: 7, currency: 'USD' },
        { a: '7.00', c: 'USD' },
        { amount: '7.00', currency: 'USD' },
      ],
    ],
    invalid: [
      ['19.99', 'CURRENCY_REQUIRED'],
      [{ amount: '19.99' }, 'CURRENCY_REQUIRED'],
      [{ amount: '1.5', currency: 'JPY' }, 'TOO_MANY_DECIMALS'],
      [{ amount: '1.0001', currency: 'BHD' }, 'TOO_MANY_DECIMALS'],
      [{ amount: '1', currency: 'XAU' }, 'INVALID_CURRENCY'],
      [{ amount: '1', currency: 'EU' }, 'INVALID_CURRENCY'],
      [{ amount: '1', currency: 978 }, 'INVALID_CURRENCY'],
    ],
  },
  {
    type: 'percent',
    options: { scale: 1 },
    valid: [
      [0.19, '0.19', 0.19],
      ['0.195', '0.195', 0.195],
      [1.5, '1.5', 1.5],
      [-0.05, '-0.05', -0.05],
    ],
    invalid: [
      [0.1955, 'TOO_MANY_DECIMALS'],
      ['19%', 'NOT_A_NUMBER'],
      [false, 'NOT_A_NUMBER'],
      [{ v: 1 }, 'NOT_A_NUMBER'],
    ],
  },
  {
    type: 'boolean',
    valid: [
      [true, true, true],
      [false, false, false],
    ],
    invalid: [
      ['yes', 'NOT_A_BOOLEAN'],
      ['true', 'NOT_A_BOOLEAN'],
      [1, 'NOT_A_BOOLEAN'],
      [0, 'NOT_A_BOOLEAN'],
      [{ v: true }, 'NOT_A_BOOLEAN'],
      [[true], 'NOT_A_BOOLEAN'],
    ],
  },
  {
    type: 'date',
    valid: [
      ['2026-11-26', '2026-11-26', '2026-11-26'],
      ['2024-02-29', '2024-02-29', '2024-02-29'],
      [' 0099-01-01 ', '0099-01-01', '0099-01-01'],
    ],
    invalid: [
      ['2026-02-30', 'INVALID_DATE'],
      ['2025-02-29', 'INVALID_DATE'],
      ['2026-13-01', 'INVALID_DATE'],
      ['0000-01-01', 'INVALID_DATE'],
      ['26.11.2026', 'INVALID_DATE'],
      ['2026-11-26T00:00:00Z', 'INVALID_DATE'],
      [20261126, 'INVALID_DATE'],
      [{ y: 2026 }, 'INVALID_DATE'],
    ],
  },
  {
    type: 'dateTime',
    valid: [
      ['2026-11-26T14:05:00Z', '2026-11-26T14:05:00.000Z', '2026-11-26T14:05:00.000Z'],
      ['2026-11-26T16:05:00+02:00', '2026-11-26T14:05:00.000Z', '2026-11-26T14:05:00.000Z'],
      ['2026-11-26T00:30:00-05:30', '2026-11-26T06:00:00.000Z', '2026-11-26T06:00:00.000Z'],
      ['2026-11-26T01:00:00+03:00', '2026-11-25T22:00:00.000Z', '2026-11-25T22:00:00.000Z'],
      ['2026-11-26T14:05Z', '2026-11-26T14:05:00.000Z', '2026-11-26T14:05:00.000Z'],
      ['2026-11-26T14:05:00.123456Z', '2026-11-26T14:05:00.123Z', '2026-11-26T14:05:00.123Z'],
      ['0050-06-01T12:00:00Z', '0050-06-01T12:00:00.000Z', '0050-06-01T12:00:00.000Z'],
    ],
    invalid: [
      ['2026-11-26T14:05:00', 'INVALID_DATETIME'],
      ['2026-02-30T10:00:00Z', 'INVALID_DATETIME'],
      ['2026-11-26T24:00:00Z', 'INVALID_DATETIME'],
      ['2026-11-26T12:00:60Z', 'INVALID_DATETIME'],
      ['2026-11-26 14:05:00Z', 'INVALID_DATETIME'],
      ['2026-11-26T14:05:00+24:00', 'INVALID_DATETIME'],
      ['2026-11-26', 'INVALID_DATETIME'],
      ['0001-01-01T00:30:00+01:00', 'INVALID_DATETIME'],
      [1764165900000, 'INVALID_DATETIME'],
      [{ at: 'now' }, 'INVALID_DATETIME'],
    ],
  },
  {
    type: 'duration',
    valid: [
      [90, '90', 90],
      [1.5, '1.5', 1.5],
      [-30, '-30', -30],
      ['3600.125', '3600.125', 3600.125],
    ],
    invalid: [
      [1.0001, 'TOO_MANY_DECIMALS'],
      ['1:30', 'NOT_A_NUMBER'],
      [true, 'NOT_A_NUMBER'],
      [{ s: 1 }, 'NOT_A_NUMBER'],
    ],
  },
  {
    type: 'select',
    options: CHOICES,
    valid: [
      ['vip', 'c1', 'vip'],
      [' regular ', 'c2', 'regular'],
    ],
    invalid: [
      ['VIP', 'NOT_A_CHOICE'],
      ['gold', 'NOT_A_CHOICE'],
      [1, 'NOT_TEXT'],
      [['vip'], 'NOT_TEXT'],
      [{ value: 'vip' }, 'NOT_TEXT'],
    ],
  },
  {
    type: 'multiSelect',
    options: CHOICES,
    valid: [
      [['vip'], ['c1'], ['vip']],
      [
        ['regular', 'vip'],
        ['c2', 'c1'],
        ['regular', 'vip'],
      ],
    ],
    invalid: [
      ['vip', 'NOT_A_LIST'],
      [['vip', 'vip'], 'DUPLICATE_VALUE'],
      [['gold'], 'NOT_A_CHOICE'],
      [[1], 'NOT_TEXT'],
      [[['vip']], 'NOT_TEXT'],
      [{ a: 1 }, 'NOT_A_LIST'],
    ],
  },
  {
    type: 'email',
    valid: [
      [' Ana.Pop@Example.COM ', 'Ana.Pop@example.com', 'Ana.Pop@example.com'],
      ["o'brien+tag@mail.example.co.uk", "o'brien+tag@mail.example.co.uk", "o'brien+tag@mail.example.co.uk"],
      ['x@xn--80ak6aa92e.com', 'x@xn--80ak6aa92e.com', 'x@xn--80ak6aa92e.com'],
      ['\ufeffana@example.com\n', 'ana@example.com', 'ana@example.com'],
    ],
    invalid: [
      ['ana\u200b@example.com', 'INVALID_CHARACTER'],
      ['ana@exam\u202eple.com', 'INVALID_CHARACTER'],
      ['ana@example.com\u200d', 'INVALID_CHARACTER'],
      ['an\u0000a@example.com', 'INVALID_CHARACTER'],
      ['ana', 'INVALID_EMAIL'],
      ['ana@', 'INVALID_EMAIL'],
      ['@example.com', 'INVALID_EMAIL'],
      ['ana@localhost', 'INVALID_EMAIL'],
      ['a b@example.com', 'INVALID_EMAIL'],
      ['a..b@example.com', 'INVALID_EMAIL'],
      ['ana@-example.com', 'INVALID_EMAIL'],
      ['ana@example.c0m', 'INVALID_EMAIL'],
      ['"quoted"@example.com', 'INVALID_EMAIL'],
      ['x'.repeat(250) + '@example.com', 'TOO_LONG'],
      [42, 'NOT_TEXT'],
    ],
  },
  {
    type: 'phone',
    valid: [
      ['+40 721 234 567', '+40 721 234 567', '+40 721 234 567'],
      [' (030) 123-4567 ', '(030) 123-4567', '(030) 123-4567'],
      ['12345', '12345', '12345'],
    ],
    invalid: [
      ['+40\u200b721 234 567', 'INVALID_CHARACTER'],
      ['\u202d+40 721 234 567', 'INVALID_CHARACTER'],
      ['12-34', 'INVALID_PHONE'],
      ['+40 721 abc', 'INVALID_PHONE'],
      ['1'.repeat(21), 'INVALID_PHONE'],
      ['((030) 1234', 'INVALID_PHONE'],
      ['40+721234', 'INVALID_PHONE'],
      ['tel:+40721234567', 'INVALID_PHONE'],
      ['1 '.repeat(21), 'TOO_LONG'],
      [40721234567, 'NOT_TEXT'],
    ],
  },
  {
    type: 'url',
    valid: [
      ['https://example.com/a?b=1#c', 'https://example.com/a?b=1#c', 'https://example.com/a?b=1#c'],
      [' HTTP://EXAMPLE.COM ', 'HTTP://EXAMPLE.COM', 'HTTP://EXAMPLE.COM'],
      ['https://example.com/cafe\u0301', 'https://example.com/caf\u00e9', 'https://example.com/caf\u00e9'],
    ],
    invalid: [
      ['https://exa\u200bmple.com', 'INVALID_CHARACTER'],
      ['https://example.com/\u202efdp.exe', 'INVALID_CHARACTER'],
      ['https://example.com/\u2066x', 'INVALID_CHARACTER'],
      ['javascript:alert(1)', 'INVALID_URL'],
      ['JavaScript://example.com/%0Aalert(1)', 'INVALID_URL'],
      ['data:text/html,<b>x</b>', 'INVALID_URL'],
      ['ftp://example.com', 'INVALID_URL'],
      ['https://', 'INVALID_URL'],
      ['https://exa mple.com', 'INVALID_URL'],
      ['https://example.com/\njavascript:alert(1)', 'INVALID_CHARACTER'],
      ['//example.com', 'INVALID_URL'],
      ['example.com', 'INVALID_URL'],
      ['https://example.com/' + 'a'.repeat(2000), 'TOO_LONG'],
      [{ href: 'https://example.com' }, 'NOT_TEXT'],
    ],
  },
  {
    type: 'user',
    valid: [
      [UUID, UUID, UUID],
      [UUID.toUpperCase(), UUID, UUID],
    ],
    invalid: [
      ['abc', 'INVALID_USER'],
      [UUID + '0', 'INVALID_USER'],
      [123, 'INVALID_USER'],
      [{ id: UUID }, 'INVALID_USER'],
    ],
  },
];

/** Inputs that no type accepts. */
const GARBAGE: unknown[] = [{ nested: { deep: [1] } }, NaN, -Infinity, () => 1, Symbol('s'), 10n];

const label = (s: Suite) => s.name ?? s.type;
const short = (v: unknown) =>
  typeof v === 'string' && v.length > 40
    ? v.slice(0, 40) + '…'
    : typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function'
      ? String(v)
      : JSON.stringify(v);

describe('the registry', () => {
  const DESIGN_SIMPLE_TYPES = [
    'text',
    'longText',
    'number',
    'money',
    'percent',
    'boolean',
    'date',
    'dateTime',
    'duration',
    'select',
    'multiSelect',
    'email',
    'phone',
    'url',
    'user',
  ];

  test('every simple type of DESIGN.md is registered', () => {
    expect(fieldTypeNames()).toEqual(expect.arrayContaining(DESIGN_SIMPLE_TYPES));
  });

  test('every registered type has a suite in the shared table', () => {
    for (const t of fieldTypeNames())
      expect(
        SUITES.map((s) => s.type),
        t,
      ).toContain(t);
  });

  test('refuses a duplicate type', () => {
    expect(() => registerFieldType(textFieldType)).toThrow(/already registered/);
    expect(() => registerFieldType({ ...textFieldType })).toThrow(/already registered/);
  });

  test('an unknown type is VALIDATION_FAILED naming the known ones', () => {
    expect(() => getFieldType('nope')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: { type: expect.objectContaining({ code: 'UNKNOWN_TYPE' }) } }),
    );
  });

  test.each(BUILT_IN_FIELD_TYPES.map((d) => [d.type, d] as const))('%s declares consistent capabilities', (_t, def) => {
    for (const op of def.operators) expect(FILTER_OPS).toContain(op);
    expect(def.operators).toContain('isEmpty');
    expect(def.operators).toContain('isNotEmpty');
    if (def.canBeUnique || def.sortable) expect(def.sqlKind).not.toBe('jsonb');
    if (def.searchable) expect(def.sqlKind).toBe('text');
    if (def.type === 'link') return; // links live in record_link, not in data
    if (def.derived) return; // options name their sources
    const field = makeField(def.type, def.type.endsWith('elect') ? CHOICES : undefined);
    expect(def.sqlExpr(field, 'r')).toMatch(new RegExp(`r\\.data->>?'${field.slot}'`));
  });
});

describe.each(SUITES.map((s) => [label(s), s] as const))('%s', (_name, suite) => {
  const def = getFieldType(suite.type);
  const field = makeField(suite.type, suite.options);

  test.each(suite.valid.map(([input, stored, wire]) => [short(input), input, stored, wire] as const))(
    'accepts %s',
    (_s, input, stored, wire) => {
      const got = def.coerce(input, field, ctx);
      expect(got).toEqual(stored);
      expect(JSON.parse(JSON.stringify(got))).toEqual(stored); // survives JSONB
      expect(def.toWire(got, field)).toEqual(wire);
      expect(def.coerce(def.toWire(got, field), field, ctx)).toEqual(stored); // wire form re-enters unchanged
      expect(typeof def.format(wire, field)).toBe('string');
    },
  );

  test.each(suite.invalid.map(([input, issue]) => [short(input), issue, input] as const))('refuses %s with %s', (_s, issue, input) => {
    expect(issueOf(() => def.coerce(input, field, ctx))).toBe(issue);
  });

  test.each(GARBAGE.map((g) => [short(g), g] as const))('refuses garbage %s', (_s, input) => {
    expect(issueOf(() => def.coerce(input, field, ctx))).not.toBe('(accepted)');
  });

  test('parses its default options and refuses unknown ones', () => {
    if (def.type === 'link' || def.derived)
      expect(issueOf(() => def.parseOptions(undefined))).toBe('INVALID_OPTION'); // they must name their sources
    else expect(def.parseOptions(undefined)).toEqual(expect.any(Object));
    expect(issueOf(() => def.parseOptions({ bogus: 1 }))).toBe('UNKNOWN_OPTION');
    expect(issueOf(() => def.parseOptions([]))).toBe('INVALID_OPTIONS');
    expect(issueOf(() => def.parseOptions('x'))).toBe('INVALID_OPTIONS');
  });
});
