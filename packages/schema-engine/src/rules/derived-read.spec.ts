import { describe, expect, it } from 'vitest';
import type { FieldMeta, TableMeta } from '../types.js';
import { derivedFieldReader, storedFormulaRefs, type TableReadView } from './derived-read.js';

const field = (tableId: string, id: string, type: string, options: Record<string, unknown> = {}): FieldMeta => ({
  id,
  tableId,
  key: id,
  label: id,
  type,
  slot: `s_${id}`,
  options,
  required: false,
  unique: false,
  defaultValue: null,
  searchable: false,
  position: 0,
});
const table = (id: string, fields: FieldMeta[]): TableMeta => ({
  id,
  workspaceId: 'w',
  key: id,
  label: id,
  primaryFieldId: null,
  position: 0,
  fields,
});

const clients = table('clients', [field('clients', 'name', 'text'), field('clients', 'salary', 'number')]);
const orders = table('orders', [
  field('orders', 'client', 'link', { table: 'clients' }),
  field('orders', 'amount', 'money'),
  field('orders', 'clientName', 'lookup', { link: 'client', field: 'name' }),
  field('orders', 'clientSalary', 'lookup', { link: 'client', field: 'salary' }),
  field('orders', 'linkCount', 'rollup', { link: 'client', aggregate: 'count' }),
  field('orders', 'double', 'formula', { stored: '{amount} * 2' }),
  field('orders', 'viaName', 'formula', { stored: 'UPPER({clientName})' }),
  field('orders', 'sumSalary', 'formula', { stored: 'SUM({client}.{salary})' }),
  field('orders', 'loopA', 'formula', { stored: '{loopB}' }),
  field('orders', 'loopB', 'formula', { stored: '{loopA}' }),
]);
const tables = new Map([clients, orders].map((t) => [t.id, t]));
const view = (v: Partial<TableReadView> & { hidden?: string[] }): TableReadView => ({
  allowed: v.allowed ?? true,
  scope: v.scope,
  field: (id) => !(v.hidden ?? []).includes(id),
});

function reader(rights: Record<string, TableReadView>) {
  const r = derivedFieldReader(
    orders,
    (t) => rights[t.id]!,
    (id) => tables.get(id),
  );
  return (key: string) => r(orders.fields.find((f) => f.key === key)!);
}

describe('computed fields read what they are computed from', () => {
  it('all readable: every field is readable', () => {
    const can = reader({ orders: view({}), clients: view({}) });
    for (const f of orders.fields.filter((x) => !x.key.startsWith('loop'))) expect(can(f.key), f.key).toBe(true);
  });

  it('a hidden target field hides its lookups and the formulas over them', () => {
    const can = reader({ orders: view({}), clients: view({ hidden: ['salary'] }) });
    expect(can('clientName')).toBe(true);
    expect(can('clientSalary')).toBe(false);
    expect(can('sumSalary')).toBe(false);
    expect(can('viaName')).toBe(true);
  });

  it('a row scope on the target hides everything read across the link, not the link', () => {
    const can = reader({ orders: view({}), clients: view({ scope: { field: 'name', op: 'eq', value: 'x' } }) });
    expect(can('client')).toBe(true);
    expect(can('clientName')).toBe(false);
    expect(can('linkCount')).toBe(false);
    expect(can('viaName')).toBe(false);
    expect(can('double')).toBe(true);
  });

  it('an unreadable target table or link hides them too; own hidden fields hide own formulas', () => {
    expect(reader({ orders: view({}), clients: view({ allowed: false }) })('clientName')).toBe(false);
    const noLink = reader({ orders: view({ hidden: ['client', 'amount'] }), clients: view({}) });
    expect(noLink('clientName')).toBe(false);
    expect(noLink('double')).toBe(false);
  });

  it('a cycle reads as unreadable rather than looping', () => {
    expect(reader({ orders: view({}), clients: view({}) })('loopA')).toBe(false);
  });

  it('finds own and cross-link references in the stored form', () => {
    expect(storedFormulaRefs('IF({a} > 1, SUM({l}.{b}), "{x")')).toEqual([{ field: 'a' }, { field: 'b', through: 'l' }]);
  });
});
