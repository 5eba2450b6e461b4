/** Field and table bodies: what is accepted, normalised, inherited on update, and refused. */
import { describe, expect, test } from 'vitest';
import { DomainError } from './errors.js';
import { parseFieldDefinition, parseTableDefinition } from './field-definition.js';
import { ctx, makeField } from './testing/fixtures.js';

function detailsOf(fn: () => unknown): Record<string, { code: string }> {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError && e.code === 'VALIDATION_FAILED') return e.details as Record<string, { code: string }>;
    throw e;
  }
  throw new Error('expected VALIDATION_FAILED');
}

const create = (body: unknown) => parseFieldDefinition(body, 'create', undefined, ctx);

describe('parseFieldDefinition (create)', () => {
  test('fills defaults and derives the label from the key', () => {
    expect(create({ key: 'unit_price', type: 'money', options: { currency: 'EUR' } })).toEqual({
      key: 'unit_price',
      label: 'Unit price',
      type: 'money',
      options: { currency: 'EUR' },
      required: false,
      unique: false,
      defaultValue: null,
      searchable: false,
    });
  });

  test('normalises options and the default to their canonical forms', () => {
    const def = create({ key: 'price', label: ' Price ', type: 'money', options: { currency: 'EUR' }, required: true, default: '5' });
    expect(def).toMatchObject({ label: 'Price', required: true, defaultValue: { amount: '5.00', currency: 'EUR' } });
    const sel = create({ key: 'status', type: 'select', options: { choices: [{ value: 'new' }, { value: 'done' }] }, default: 'new' });
    expect(sel.options).toEqual({
      choices: [
        { id: 'c1', value: 'new' },
        { id: 'c2', value: 'done' },
      ],
      nextId: 3,
    });
    expect(sel.defaultValue).toBe('new');
    expect(create({ key: 'at', type: 'dateTime', default: '2026-11-26T16:05:00+02:00' }).defaultValue).toBe('2026-11-26T14:05:00.000Z');
    expect(create({ key: 'flag', type: 'boolean', default: false }).defaultValue).toBe(false);
    expect(create({ key: 'tags', type: 'multiSelect', options: { choices: [{ value: 'a' }] }, default: [] }).defaultValue).toBeNull();
  });

  test.each([
    [{ type: 'text' }, 'key', 'REQUIRED'],
    [{ key: 'name' }, 'type', 'REQUIRED'],
    [{ key: 'Name', type: 'text' }, 'key', 'INVALID_KEY'],
    [{ key: 'name; drop', type: 'text' }, 'key', 'INVALID_KEY'],
    [{ key: 'x'.repeat(64), type: 'text' }, 'key', 'INVALID_KEY'],
    [{ key: 'created_at', type: 'text' }, 'key', 'RESERVED_KEY'],
    [{ key: 'constructor', type: 'text' }, 'key', 'RESERVED_KEY'],
    [{ key: 'name', type: 'rich' }, 'type', 'UNKNOWN_TYPE'],
    [{ key: 'name', type: 42 }, 'type', 'UNKNOWN_TYPE'],
    [{ key: 'name', type: 'text', label: '' }, 'label', 'INVALID_LABEL'],
    [{ key: 'name', type: 'text', label: '   ' }, 'label', 'INVALID_LABEL'],
    [{ key: 'name', type: 'text', label: 'x'.repeat(201) }, 'label', 'INVALID_LABEL'],
    [{ key: 'name', type: 'text', label: 'two\nlines' }, 'label', 'INVALID_LABEL'],
    [{ key: 'name', type: 'text', label: 7 }, 'label', 'INVALID_LABEL'],
    [{ key: 'name', type: 'text', options: { maxLength: -1 } }, 'options', 'INVALID_OPTION'],
    [{ key: 'name', type: 'text', options: { color: 'red' } }, 'options', 'UNKNOWN_OPTION'],
    [{ key: 'price', type: 'money', options: { currency: 'EURO' } }, 'options', 'INVALID_CURRENCY'],
    [{ key: 'name', type: 'text', required: 'yes' }, 'required', 'NOT_A_BOOLEAN'],
    [{ key: 'flag', type: 'boolean', unique: true }, 'unique', 'NOT_SUPPORTED'],
    [{ key: 'tags', type: 'multiSelect', unique: true }, 'unique', 'NOT_SUPPORTED'],
    [{ key: 'qty', type: 'number', searchable: true }, 'searchable', 'NOT_SUPPORTED'],
    [{ key: 'status', type: 'select', searchable: true }, 'searchable', 'NOT_SUPPORTED'],
    [{ key: 'qty', type: 'number', options: { scale: 0 }, default: 1.5 }, 'default', 'TOO_MANY_DECIMALS'],
    [{ key: 'status', type: 'select', options: { choices: [{ value: 'a' }] }, default: 'b' }, 'default', 'NOT_A_CHOICE'],
    [{ key: 'price', type: 'money', default: '5' }, 'default', 'CURRENCY_REQUIRED'],
    [{ key: 'name', type: 'text', colour: 'red' }, 'colour', 'UNKNOWN_KEY'],
    [{ key: 'name', type: 'text', id: 'x' }, 'id', 'UNKNOWN_KEY'],
  ])('%j → %s %s', (body, where, code) => {
    expect(detailsOf(() => create(body))[where]).toMatchObject({ code });
  });

  test('reports every problem at once', () => {
    expect(Object.keys(detailsOf(() => create({ key: 'Bad', type: 'text', label: '', required: 1 }))).sort()).toEqual([
      'key',
      'label',
      'required',
    ]);
  });

  test.each([
    ['at the top', '{"__proto__":{"x":1},"key":"a","type":"text"}'],
    ['in options', '{"key":"a","type":"select","options":{"choices":[{"value":"v","__proto__":{"admin":true}}]}}'],
    ['in a default', '{"key":"a","type":"money","options":{"currency":"EUR"},"default":{"__proto__":{},"amount":"1"}}'],
  ])('__proto__ %s is refused', (_where, json) => {
    expect(detailsOf(() => create(JSON.parse(json)))).toEqual({ body: expect.objectContaining({ code: 'FORBIDDEN_KEY' }) });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  test.each([[null], ['text'], [[{ key: 'a' }]], [new Date()], [Object.create({ key: 'a', type: 'text' })]])(
    'a body that is not a plain object (%s) is refused',
    (body) => {
      expect(detailsOf(() => create(body)).body).toBeDefined();
    },
  );

  test('deeply nested bodies are refused', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(detailsOf(() => create({ key: 'a', type: 'text', default: deep })).body).toMatchObject({ code: 'TOO_DEEP' });
  });
});

describe('parseFieldDefinition (update)', () => {
  const existing = makeField(
    'select',
    { choices: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] },
    { key: 'status', label: 'Status', required: true, defaultValue: 'a' },
  );

  test('absent keys keep their values', () => {
    expect(parseFieldDefinition({ label: 'State' }, 'update', existing, ctx)).toEqual({
      key: 'status',
      label: 'State',
      type: 'select',
      options: existing.options,
      required: true,
      unique: false,
      defaultValue: 'a',
      searchable: false,
    });
  });

  test('new choices never reuse the id of a deleted one', () => {
    const def = parseFieldDefinition({ options: { choices: [{ id: 'c1', value: 'a' }, { value: 'new' }] } }, 'update', existing, ctx);
    expect(def.options.choices).toEqual([
      { id: 'c1', value: 'a' },
      { id: 'c4', value: 'new' },
    ]);
  });

  test('the inherited default is checked against changed options', () => {
    expect(
      detailsOf(() => parseFieldDefinition({ options: { choices: [{ id: 'c2', value: 'b' }] } }, 'update', existing, ctx)).default,
    ).toMatchObject({ code: 'NOT_A_CHOICE' });
  });

  test('a type change starts options, default and unsupported flags afresh', () => {
    const email = makeField('email', undefined, { key: 'mail', unique: true, searchable: true, defaultValue: 'a@example.com' });
    expect(parseFieldDefinition({ type: 'boolean' }, 'update', email, ctx)).toMatchObject({
      type: 'boolean',
      options: {},
      unique: false,
      searchable: false,
      defaultValue: null,
    });
    expect(detailsOf(() => parseFieldDefinition({ type: 'boolean', unique: true }, 'update', email, ctx)).unique).toMatchObject({
      code: 'NOT_SUPPORTED',
    });
  });

  test('the key may be renamed, but not to a reserved name', () => {
    expect(parseFieldDefinition({ key: 'state' }, 'update', existing, ctx).key).toBe('state');
    expect(detailsOf(() => parseFieldDefinition({ key: 'owner' }, 'update', existing, ctx)).key).toMatchObject({ code: 'RESERVED_KEY' });
  });
});

describe('parseTableDefinition', () => {
  test('create', () => {
    expect(parseTableDefinition({ key: 'sales_orders' })).toEqual({ key: 'sales_orders', label: 'Sales orders', primaryField: null });
    expect(parseTableDefinition({ key: 'clients', label: 'Clients', primaryField: 'name' })).toEqual({
      key: 'clients',
      label: 'Clients',
      primaryField: 'name',
    });
  });

  test('update takes only what is given', () => {
    expect(parseTableDefinition({ label: 'Customers' }, 'update')).toEqual({ label: 'Customers' });
    expect(parseTableDefinition({ primaryField: null }, 'update')).toEqual({ primaryField: null });
  });

  test.each([
    [{}, 'key', 'REQUIRED'],
    [{ key: 'Clients' }, 'key', 'INVALID_KEY'],
    [{ key: 'prototype' }, 'key', 'RESERVED_KEY'],
    [{ key: 'clients', label: '' }, 'label', 'INVALID_LABEL'],
    [{ key: 'clients', primaryField: 'Name!' }, 'primaryField', 'INVALID_KEY'],
    [{ key: 'clients', fields: [] }, 'fields', 'UNKNOWN_KEY'],
  ])('%j → %s %s', (body, where, code) => {
    expect(detailsOf(() => parseTableDefinition(body))[where]).toMatchObject({ code });
  });

  test('__proto__ is refused', () => {
    expect(detailsOf(() => parseTableDefinition(JSON.parse('{"key":"a","__proto__":{"x":1}}'))).body).toMatchObject({
      code: 'FORBIDDEN_KEY',
    });
  });
});
