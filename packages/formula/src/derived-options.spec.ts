/**
 * Saving a derived field (prepareDerived): references by key become ids, the result type
 * comes from what the field reads — through the registry's formulaType, the one mapping —
 * and a bad source is a 400 naming the option, a cycle a 422 naming the path.
 */
import { describe, expect, it } from 'vitest';
import { prepareDerived } from './derived-options.js';
import { fieldMeta, world } from './testing/tables.js';

function prepare(type: string, options: Record<string, unknown>, on: 'orders' | 'clients' = 'orders'): Record<string, unknown> {
  const w = world();
  return (prepareDerived(w[on], { key: 'x', type, options }, w.tables) as { options: Record<string, unknown> }).options;
}

function refusal(type: string, options: Record<string, unknown>): string {
  try {
    prepare(type, options);
    return '(accepted)';
  } catch (e) {
    const x = e as { code: string; details?: { options?: { option?: string } } };
    return `${x.code} ${x.details?.options?.option ?? ''}`.trim();
  }
}

const id = (table: 'orders' | 'clients' | 'lines', key: string) => world()[table].fields.find((f) => f.key === key)!.id;

describe('prepareDerived', () => {
  it('passes every other body through unchanged', () => {
    const w = world();
    const body = { key: 'n', type: 'number', options: { scale: 2 } };
    expect(prepareDerived(w.orders, body, w.tables)).toBe(body);
    expect(prepareDerived(w.orders, 'x', w.tables)).toBe('x');
  });

  it('compiles a formula: display and stored forms, result type, currency, volatility', () => {
    expect(prepare('formula', { expression: 'SUM(lines.amount) * 2' })).toEqual({
      expression: 'SUM(lines.amount) * 2',
      stored: `SUM({${id('orders', 'lines')}}.{${id('lines', 'amount')}}) * 2`,
      resultType: 'money',
      currency: 'EUR',
    });
    expect(prepare('formula', { expression: 'TODAY() - date' })).toMatchObject({ resultType: 'number', volatile: true });
  });

  it.each([
    // [type, options, resultType, currency]
    ['lookup', { link: 'client', field: 'credit' }, 'money', 'EUR'],
    ['lookup', { link: 'client', field: 'name' }, 'text', undefined],
    ['lookup', { link: 'lines', field: 'shipped' }, 'date', undefined],
    ['rollup', { link: 'lines', field: 'amount', aggregate: 'sum' }, 'money', 'EUR'],
    ['rollup', { link: 'lines', field: 'qty', aggregate: 'avg' }, 'number', undefined],
    ['rollup', { link: 'lines', aggregate: 'count' }, 'number', undefined],
    ['rollup', { link: 'lines', field: 'shipped', aggregate: 'max' }, 'date', undefined],
  ] as const)('%s %j gives %s', (type, options, resultType, currency) => {
    const o = prepare(type, options);
    expect(o.resultType).toBe(resultType);
    expect(o.currency).toBe(currency);
  });

  it('stores the link and field by id, and whether the link holds many', () => {
    expect(prepare('lookup', { link: 'client', field: 'name' })).toEqual({
      link: id('orders', 'client'),
      field: id('clients', 'name'),
      resultType: 'text',
      multiple: false,
    });
    expect(prepare('rollup', { link: 'lines', aggregate: 'count' })).toEqual({
      link: id('orders', 'lines'),
      aggregate: 'count',
      resultType: 'number',
    });
  });

  it('types what it reads by the registry: an autonumber is text, attachments are not a value', () => {
    const w = world();
    const on = (options: Record<string, unknown>, type = 'rollup') =>
      (prepareDerived(w.clients, { key: 'x', type, options }, w.tables) as { options: Record<string, unknown> }).options;
    // a client's orders: their numbers, and the highest of them
    expect(on({ link: 'orders', field: 'no' }, 'lookup')).toMatchObject({ resultType: 'text', multiple: true });
    expect(on({ link: 'orders', field: 'no', aggregate: 'max' }).resultType).toBe('text');
    // attachments: a lookup shows them as text, an ordering aggregate over them is refused
    expect(on({ link: 'orders', field: 'files' }, 'lookup').resultType).toBe('text');
    expect(() => on({ link: 'orders', field: 'files', aggregate: 'min' })).toThrow(
      /min needs a number, money or \(for min\/max\) date field/,
    );
  });

  it.each([
    ['formula', {}, 'VALIDATION_FAILED expression'],
    ['formula', { expression: 'nope + 1' }, 'FORMULA_ERROR'],
    ['lookup', { link: 'date', field: 'name' }, 'VALIDATION_FAILED link'],
    ['lookup', { link: 'client', field: 'nope' }, 'VALIDATION_FAILED field'],
    ['lookup', { link: 'client' }, 'VALIDATION_FAILED field'],
    ['lookup', { link: 'lines', field: 'orders' }, 'VALIDATION_FAILED field'], // a link of the linked table
    ['rollup', { link: 'lines', field: 'qty', aggregate: 'median' }, 'VALIDATION_FAILED aggregate'],
    ['rollup', { link: 'lines', aggregate: 'sum' }, 'VALIDATION_FAILED field'],
    ['rollup', { link: 'client', field: 'name', aggregate: 'sum' }, 'VALIDATION_FAILED field'],
    ['rollup', { link: 'lines', field: 'orders', aggregate: 'max' }, 'VALIDATION_FAILED field'], // a link is not ordered
  ] as const)('refuses %s %j: %s', (type, options, want) => {
    expect(refusal(type, options)).toBe(want);
  });

  it('refuses a formula that would close a cycle, naming it', () => {
    const w = world();
    const a = fieldMeta(w.orders.id, 'a', 'formula', { expression: 'x', resultType: 'number' });
    const b = fieldMeta(w.orders.id, 'b', 'formula', { expression: 'x', stored: `{${a.id}} + 1`, resultType: 'number' });
    const orders = { ...w.orders, fields: [...w.orders.fields, a, b] };
    expect(() => prepareDerived(orders, { key: 'a', type: 'formula', options: { expression: 'b * 2' } }, w.tables, a)).toThrow(
      expect.objectContaining({ code: 'CYCLE', details: { path: ['b', 'a', 'b'] } }),
    );
  });
});
