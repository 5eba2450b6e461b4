/**
 * The canonical form of text and the characters it refuses, per kind (one-line text,
 * strict one-line values, long text); how the record codec and unique indexes use it.
 * The per-type cases live in the shared table (field-types.spec.ts).
 */
import { describe, expect, test } from 'vitest';
import { DomainError, ValueError } from '../errors.js';
import { decodeRecordInput } from '../record-codec.js';
import { uniqueKeyExpr } from '../registry.js';
import { ctx, issueOf, makeField, TABLE_ID, WORKSPACE_ID } from '../testing/fixtures.js';
import type { TableMeta } from '../types.js';
import { canonicalText, cleanText, type TextKind } from './text-normalization.js';

/** Lookalike pairs: each must be refused, or stored as the same string as its twin. */
const LOOKALIKES: [string, string, string][] = [
  ['NFD é', 'caf\u00e9', 'cafe\u0301'],
  ['surrounding spaces', 'Ana', ' Ana\u00a0'],
  ['zero-width space', 'paypal', 'pay\u200bpal'],
  ['zero-width joiner', 'admin', 'ad\u200dmin'],
  ['zero-width non-joiner', 'admin', 'ad\u200cmin'],
  ['word joiner', 'admin', 'admin\u2060'],
  ['BOM inside', 'admin', 'ad\ufeffmin'],
  ['right-to-left override', 'invoice.pdf', 'invoice\u202efdp.'],
  ['isolate', 'abc', '\u2067abc\u2069'],
  ['RLM', 'abc', 'abc\u200f'],
  ['Arabic letter mark', 'abc', 'ab\u061cc'],
  ['soft hyphen', 'admin', 'ad\u00admin'],
  ['variation selector on a letter', 'a', 'a\ufe00'],
  ['tag characters', 'admin', 'admin\u{e0061}'],
  ['Hangul filler', 'a', 'a\u3164'],
];

describe.each(['line', 'strict'] as TextKind[])('one-line text (%s)', (kind) => {
  test.each(LOOKALIKES)('%s: never stored as a second value', (_name, plain, twin) => {
    let stored: string | undefined;
    try {
      stored = cleanText(twin, kind);
    } catch (e) {
      expect(e).toBeInstanceOf(ValueError);
      expect((e as ValueError).issue).toBe('INVALID_CHARACTER');
      expect((e as ValueError).message).toMatch(/\(U\+[0-9A-F]{4,5}\)/);
      return;
    }
    expect(stored).toBe(cleanText(plain, kind));
  });

  test.each([
    ['a\u0001b', 'INVALID_CHARACTER'],
    ['a\u007fb', 'INVALID_CHARACTER'],
    ['a\rb', kind === 'line' ? 'LINE_BREAK' : 'INVALID_CHARACTER'],
    ['a\u2029b', kind === 'line' ? 'LINE_BREAK' : 'INVALID_CHARACTER'],
  ])('refuses %j with %s', (input, issue) => {
    expect(issueOf(() => cleanText(input, kind))).toBe(issue);
  });
});

describe('format characters that draw something', () => {
  test.each([
    ['Persian ZWNJ', '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645'],
    ['Arabic ZWJ', '\u0644\u200d\u0627'],
    ['Malayalam chillu', '\u0d28\u0d4d\u200d'],
    ['emoji ZWJ sequence', '👨\u200d👩\u200d👧'],
    ['emoji with skin tone', '👩🏽\u200d💻'],
    ['rainbow flag', '🏳\ufe0f\u200d🌈'],
    ['keycap', '#\ufe0f\u20e3'],
    ['subdivision flag', '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}'],
    ['ideographic variation', '\u845b\u{e0100}'],
  ])('%s is kept in text', (_name, s) => {
    expect(cleanText(s, 'line')).toBe(s);
  });

  test.each([
    ['ZWJ at the start', '\u200d\u0644'],
    ['ZWNJ between Latin letters', 'a\u200cb'],
    ['ZWJ between Han characters', '\u4e2d\u200d\u6587'],
    ['a lone tag', 'x\u{e0067}'],
  ])('%s is refused', (_name, s) => {
    expect(issueOf(() => cleanText(s, 'line'))).toBe('INVALID_CHARACTER');
  });

  test('email, URL and phone keep none of them', () => {
    expect(issueOf(() => cleanText('\u0645\u06cc\u200c\u062e', 'strict'))).toBe('INVALID_CHARACTER');
  });
});

describe('long text', () => {
  test.each([
    ['line breaks become \\n', 'a\r\nb\rc', 'a\nb\nc'],
    ['trailing blanks go, indentation stays', '\n  x\t\n \n', '\n  x'],
    ['NFC', 'e\u0301', '\u00e9'],
    ['bidi marks and isolates stay', 'abc \u2067\u05d0\u2069 \u200f.', 'abc \u2067\u05d0\u2069 \u200f.'],
  ])('%s', (_name, input, stored) => {
    expect(cleanText(input, 'multiline')).toBe(stored);
  });

  test.each(['a\u0000', 'a\u000bb', 'a\u001b[31m', 'a\u0080', '\ud83d'])('refuses control %j', (s) => {
    expect(issueOf(() => cleanText(s, 'multiline'))).toBe('INVALID_CHARACTER');
  });
});

describe('canonicalText (filter operands)', () => {
  test('normalises without refusing', () => {
    expect(canonicalText(' pay\u200bpal ', 'line')).toBe('pay\u200bpal');
    expect(canonicalText('cafe\u0301', 'strict')).toBe('caf\u00e9');
    expect(canonicalText(' x \r\n', 'multiline')).toBe(' x');
  });

  test.each(['line', 'strict', 'multiline'] as TextKind[])('is idempotent and agrees with cleanText (%s)', (kind) => {
    for (const s of [' cafe\u0301 ', '\u00a0x\u3000', ...(kind === 'multiline' ? ['a\r\nb  '] : [])]) {
      expect(canonicalText(canonicalText(s, kind), kind)).toBe(canonicalText(s, kind));
      expect(cleanText(s, kind)).toBe(canonicalText(s, kind));
    }
  });
});

describe('the record codec', () => {
  const table: TableMeta = {
    id: TABLE_ID,
    workspaceId: WORKSPACE_ID,
    key: 't',
    label: 'T',
    primaryFieldId: 'fld-name',
    position: 0,
    fields: [
      makeField('text', undefined, { key: 'name', slot: 'f1', required: true }),
      makeField('text', undefined, { key: 'note', slot: 'f2' }),
    ],
  };

  test('a value of spaces only is empty: null, or REQUIRED', () => {
    expect(decodeRecordInput(table, { name: ' x ', note: ' \u3000 ' }, ctx, { mode: 'create' })).toEqual({ f1: 'x', f2: null });
    expect(decodeRecordInput(table, { note: '\u00a0' }, ctx, { mode: 'update' })).toEqual({ f2: null });
    let err: unknown;
    try {
      decodeRecordInput(table, { name: '   ' }, ctx, { mode: 'create' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).details).toEqual({ name: expect.objectContaining({ code: 'REQUIRED' }) });
  });
});

describe('unique keys', () => {
  test('email compares in lower case; other types as sqlExpr', () => {
    expect(uniqueKeyExpr(makeField('email', undefined, { slot: 'f7' }))).toBe(`lower(data->>'f7')`);
    expect(uniqueKeyExpr(makeField('text', undefined, { slot: 'f2' }))).toBe(`(data->>'f2') COLLATE "und-x-icu"`);
  });
});
