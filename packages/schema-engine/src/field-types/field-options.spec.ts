/** Options of each type: what parseOptions accepts, normalises and refuses. */
import { describe, expect, test } from 'vitest';
import { ValueError } from '../errors.js';
import { getFieldType } from '../registry.js';
import '../testing/fixtures.js';
import { parseChoiceOptions } from './choices.js';

function parse(type: string, raw: unknown, previous?: Record<string, unknown>): unknown {
  try {
    return getFieldType(type).parseOptions(raw, previous);
  } catch (e) {
    if (e instanceof ValueError) return `!${e.issue}`;
    throw e;
  }
}

const CASES: [string, unknown, unknown][] = [
  ['text', undefined, { maxLength: 1000 }],
  ['text', { maxLength: 50 }, { maxLength: 50 }],
  ['text', { maxLength: 0 }, '!INVALID_OPTION'],
  ['text', { maxLength: 1001 }, '!INVALID_OPTION'],
  ['text', { maxLength: '50' }, '!INVALID_OPTION'],
  ['longText', { maxLength: 100_000 }, { maxLength: 100_000 }],
  ['number', { scale: 2 }, { scale: 2 }],
  ['number', { scale: 13 }, '!INVALID_OPTION'],
  ['number', { scale: 1.5 }, '!INVALID_OPTION'],
  ['money', {}, {}],
  ['money', { currency: null }, {}],
  ['money', { currency: 'JPY' }, { currency: 'JPY' }],
  ['money', { currency: 'EURO' }, '!INVALID_CURRENCY'],
  ['money', { currency: 'eur' }, '!INVALID_CURRENCY'],
  ['money', { currency: 'XXX' }, '!INVALID_CURRENCY'],
  ['money', { currency: 'EUR', scale: 2 }, '!UNKNOWN_OPTION'],
  ['percent', { scale: 1 }, { scale: 1 }],
  ['percent', { scale: -1 }, '!INVALID_OPTION'],
  ['boolean', null, {}],
  ['boolean', { default: true }, '!UNKNOWN_OPTION'],
  ['dateTime', {}, {}],
  ['select', undefined, { choices: [], nextId: 1 }],
  ['select', { choices: 'a,b' }, '!INVALID_OPTION'],
  [
    'select',
    { choices: [{ value: 'a' }, { value: 'b', color: '#ABCDEF' }, { value: 'c', color: 'red' }] },
    {
      choices: [
        { id: 'c1', value: 'a' },
        { id: 'c2', value: 'b', color: '#abcdef' },
        { id: 'c3', value: 'c', color: 'red' },
      ],
      nextId: 4,
    },
  ],
  ['select', { choices: [{ value: ' a ' }] }, { choices: [{ id: 'c1', value: 'a' }], nextId: 2 }],
  ['select', { choices: [{ value: 'a' }, { value: 'a' }] }, '!DUPLICATE_CHOICE'],
  [
    'select',
    {
      choices: [
        { id: 'x', value: 'a' },
        { id: 'x', value: 'b' },
      ],
    },
    '!DUPLICATE_CHOICE',
  ],
  ['select', { choices: [{ value: '' }] }, '!INVALID_CHOICE'],
  ['select', { choices: [{ value: '   ' }] }, '!INVALID_CHOICE'],
  ['select', { choices: [{ value: 'x'.repeat(101) }] }, '!INVALID_CHOICE'],
  ['select', { choices: [{ value: 'a\nb' }] }, '!INVALID_CHOICE'],
  ['select', { choices: [{ value: 1 }] }, '!INVALID_CHOICE'],
  ['select', { choices: ['a'] }, '!INVALID_CHOICE'],
  ['select', { choices: [{ value: 'a', label: 'A' }] }, '!INVALID_CHOICE'],
  ['select', { choices: [{ value: 'a', id: 'has space' }] }, '!INVALID_CHOICE'],
  ['select', { choices: [{ value: 'a', color: 'rgb(1,2,3)' }] }, '!INVALID_COLOR'],
  ['select', { choices: [{ value: 'a', color: '#fff' }] }, '!INVALID_COLOR'],
  ['multiSelect', { choices: Array.from({ length: 501 }, (_, i) => ({ value: `v${i}` })) }, '!TOO_MANY_CHOICES'],
];

describe('parseOptions', () => {
  test.each(CASES.map(([t, raw, want]) => [t, JSON.stringify(raw)?.slice(0, 60) ?? 'undefined', raw, want] as const))(
    '%s %s',
    (type, _s, raw, want) => {
      expect(parse(type, raw)).toEqual(want);
    },
  );

  test('500 choices are allowed', () => {
    const o = parseChoiceOptions({ choices: Array.from({ length: 500 }, (_, i) => ({ value: `v${i}` })) });
    expect(o.choices).toHaveLength(500);
    expect(o.choices[499]!.id).toBe('c500');
  });
});

describe('choice ids', () => {
  test('are kept when given and generated after the highest', () => {
    const o = parseChoiceOptions({ choices: [{ id: 'c7', value: 'a' }, { value: 'b' }, { id: 'legacy', value: 'c' }] });
    expect(o.choices.map((c) => c.id)).toEqual(['c7', 'c8', 'legacy']);
    expect(o.nextId).toBe(9);
  });

  test('of a deleted choice are never handed out again', () => {
    const first = parseChoiceOptions({ choices: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    // delete "c" (c3), keep the others by id
    const second = parseChoiceOptions(
      {
        choices: [
          { id: 'c1', value: 'a' },
          { id: 'c2', value: 'b' },
        ],
      },
      first,
    );
    expect(second.nextId).toBe(4);
    const third = parseChoiceOptions({ choices: [...second.choices, { value: 'new' }] }, second);
    expect(third.choices.map((c) => c.id)).toEqual(['c1', 'c2', 'c4']);
  });

  test('a client cannot lower the counter', () => {
    const prev = parseChoiceOptions({ choices: [{ value: 'a' }], nextId: 12 });
    expect(prev.choices[0]!.id).toBe('c12');
    const next = parseChoiceOptions({ choices: [{ value: 'b' }], nextId: 1 }, prev);
    expect(next.choices[0]!.id).toBe('c13');
  });

  test('renaming a value keeps its id', () => {
    const prev = parseChoiceOptions({ choices: [{ value: 'vip' }, { value: 'regular' }] });
    const next = parseChoiceOptions(
      {
        choices: [
          { id: 'c1', value: 'VIP client' },
          { id: 'c2', value: 'regular' },
        ],
      },
      prev,
    );
    expect(next.choices[0]).toEqual({ id: 'c1', value: 'VIP client' });
  });

  test('an invalid nextId is refused', () => {
    expect(parse('select', { nextId: 0 })).toBe('!INVALID_OPTION');
    expect(parse('select', { nextId: 'x' })).toBe('!INVALID_OPTION');
  });
});
