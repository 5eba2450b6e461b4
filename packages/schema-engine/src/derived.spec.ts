/**
 * The registry's capability flags and hooks for the hard types, table-driven over every
 * registered type: whether it is read-only (`computed`) and derived by the engine, how the
 * formula language sees it (`formulaType`: the one mapping; autonumber is text, attachments
 * are any), how a derived field's options read (derivationOf), and which storage work its
 * creation and removal ask of the API. A new type must take its row in each table.
 */
import { describe, expect, test } from 'vitest';
import { derivationOf, derivedKind, formulaTypeOf, isDerived, SOURCE_OPTIONS } from './derived.js';
import { fieldTypeNames, getFieldType } from './registry.js';
import { makeField } from './testing/fixtures.js';
import type { DerivationKind, FieldStore, FormulaType } from './types.js';

const UUID = '0192f0c1-7a4b-7cde-8f00-123456789abc';
const PAIR = '0192f0c1-7a4b-7cde-8f00-0000000000ff';

/** type → [read-only, derived kind, storage hooks it declares] */
const FLAGS: Record<string, [boolean, DerivationKind | false, string[]]> = {
  text: [false, false, []],
  longText: [false, false, []],
  number: [false, false, []],
  money: [false, false, []],
  percent: [false, false, []],
  boolean: [false, false, []],
  date: [false, false, []],
  dateTime: [false, false, []],
  duration: [false, false, []],
  select: [false, false, []],
  multiSelect: [false, false, []],
  email: [false, false, []],
  phone: [false, false, []],
  url: [false, false, []],
  user: [false, false, []],
  attachment: [false, false, []],
  link: [false, false, ['afterCreate', 'companions', 'onRemove']],
  // system-assigned once, never recomputed: read-only but not derived
  autonumber: [true, false, ['afterCreate']],
  formula: [true, 'formula', []],
  lookup: [true, 'lookup', []],
  rollup: [true, 'aggregate', []],
};

/** [type, options, type as formulas see it] */
const FORMULA_TYPES: [string, unknown, FormulaType][] = [
  ['text', undefined, { type: 'text' }],
  ['longText', undefined, { type: 'text' }],
  ['email', undefined, { type: 'text' }],
  ['phone', undefined, { type: 'text' }],
  ['url', undefined, { type: 'text' }],
  ['select', { choices: [{ value: 'a' }] }, { type: 'text' }],
  ['multiSelect', { choices: [{ value: 'a' }] }, { type: 'text' }],
  ['user', undefined, { type: 'text' }],
  ['number', { scale: 2 }, { type: 'number' }],
  ['percent', undefined, { type: 'number' }],
  ['duration', undefined, { type: 'number' }],
  ['money', { currency: 'EUR' }, { type: 'money', currency: 'EUR' }],
  ['money', undefined, { type: 'money', currency: null }],
  ['boolean', undefined, { type: 'boolean' }],
  ['date', undefined, { type: 'date' }],
  ['dateTime', undefined, { type: 'dateTime' }],
  // the two mappings disagreed here: the value is always the formatted text ("INV-2026-0001")
  ['autonumber', { format: 'INV-{YYYY}-{0000}' }, { type: 'text' }],
  ['autonumber', { format: '{0}' }, { type: 'text' }],
  // …and here: a list of files is no formula value
  ['attachment', undefined, { type: 'any' }],
  ['link', { table: UUID }, { type: 'link', table: UUID }],
  ['formula', { expression: 'a', resultType: 'money', currency: 'USD' }, { type: 'money', currency: 'USD' }],
  ['formula', { expression: 'a', resultType: 'money', currency: null }, { type: 'money', currency: null }],
  ['formula', { expression: 'a', resultType: 'number' }, { type: 'number' }],
  ['formula', { expression: 'a' }, { type: 'any' }],
  ['lookup', { link: 'l', field: 'f', resultType: 'date', multiple: true }, { type: 'date' }],
  ['lookup', { link: 'l', field: 'f', resultType: 'money', currency: 'EUR' }, { type: 'money', currency: 'EUR' }],
  ['rollup', { link: 'l', field: 'f', aggregate: 'max', resultType: 'dateTime' }, { type: 'dateTime' }],
  ['rollup', { link: 'l', aggregate: 'count' }, { type: 'any' }],
];

describe('capability flags and hooks', () => {
  test('every registered type has its row, and only those', () => {
    expect(Object.keys(FLAGS).sort()).toEqual(fieldTypeNames().sort());
  });

  test.each(Object.entries(FLAGS))('%s', (type, [readOnly, derived, hooks]) => {
    const def = getFieldType(type);
    expect(def.computed).toBe(readOnly);
    expect(def.derived).toBe(derived);
    expect(derivedKind({ type })).toBe(derived);
    expect(isDerived({ type })).toBe(derived !== false);
    if (def.derived) expect(def.computed).toBe(true); // derived values are never written by users
    expect(def.formulaType).toBeTypeOf('function');
    for (const h of ['afterCreate', 'companions', 'onRemove'] as const) expect(def[h] !== undefined, h).toBe(hooks.includes(h));
  });

  test('a type this build does not know is neither derived nor typed', () => {
    expect(derivedKind({ type: 'nope' })).toBe(false);
    expect(formulaTypeOf(makeField('text', undefined, { type: 'nope' }))).toEqual({ type: 'any' });
  });
});

describe('formulaType: a field as the formula language sees it', () => {
  test('covers every registered type', () => {
    expect(new Set(FORMULA_TYPES.map(([t]) => t))).toEqual(new Set(fieldTypeNames()));
  });

  test.each(FORMULA_TYPES.map(([t, o, want]) => [t, JSON.stringify(o ?? {}), o, want] as const))('%s %s', (type, _o, options, want) => {
    expect(formulaTypeOf(makeField(type, options))).toEqual(want);
  });
});

describe('derivationOf: the sources of a derived field, read alike for every type of a kind', () => {
  test.each([
    [
      'formula',
      { expression: 'qty * 2', stored: '{a} * 2', resultType: 'number' },
      { kind: 'formula', expression: 'qty * 2', stored: '{a} * 2' },
    ],
    ['formula', { expression: 'qty * 2' }, { kind: 'formula', expression: 'qty * 2' }],
    ['lookup', { link: 'client', field: 'name' }, { kind: 'lookup', link: 'client', field: 'name' }],
    ['rollup', { link: 'lines', field: 'qty', aggregate: 'avg' }, { kind: 'aggregate', link: 'lines', field: 'qty', fn: 'avg' }],
    ['rollup', { link: 'lines', aggregate: 'count' }, { kind: 'aggregate', link: 'lines', field: null, fn: 'count' }],
  ] as const)('%s %j', (type, options, want) => {
    expect(derivationOf(makeField(type, options))).toEqual(want);
  });

  test('a field that is not derived has none', () => {
    for (const type of fieldTypeNames().filter((t) => !getFieldType(t).derived))
      expect(derivationOf({ type, options: {} })).toBeUndefined();
  });

  test('each kind names the options an administrator writes, all accepted by its types', () => {
    for (const type of fieldTypeNames()) {
      const kind = getFieldType(type).derived;
      if (!kind) continue;
      const sources = Object.fromEntries(SOURCE_OPTIONS[kind].map((k) => [k, k === 'aggregate' ? 'sum' : 'x']));
      expect(() => getFieldType(type).parseOptions(sources), type).not.toThrow();
    }
  });
});

describe('storage hooks', () => {
  function recorder(): { store: FieldStore; calls: string[] } {
    const calls: string[] = [];
    const op = (name: string) => async (f: { key: string }) => void calls.push(`${name}:${f.key}`);
    return { calls, store: { pairInverse: op('pairInverse'), numberExisting: op('numberExisting'), dropLinks: op('dropLinks') } };
  }

  test('a link pairs its inverse when created, and takes it and its rows when removed', async () => {
    const def = getFieldType('link');
    const link = makeField('link', { table: UUID, pair: PAIR }, { key: 'client' });
    const { store, calls } = recorder();
    await def.afterCreate!(link, store);
    await def.onRemove!(link, store);
    expect(calls).toEqual(['pairInverse:client', 'dropLinks:client']);
    expect(def.companions!(link)).toEqual([PAIR]);
    expect(def.companions!(makeField('link', { table: UUID }))).toEqual([]);
  });

  test('an autonumber numbers the records that exist when it is added', async () => {
    const { store, calls } = recorder();
    await getFieldType('autonumber').afterCreate!(makeField('autonumber', { format: 'N-{0}' }, { key: 'no' }), store);
    expect(calls).toEqual(['numberExisting:no']);
  });
});
