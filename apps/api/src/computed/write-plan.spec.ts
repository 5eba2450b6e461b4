/**
 * What a write leaves to the computed engine after it (write-plan.ts), on an orders table
 * whose computed fields are of each sort: an own formula (reads a stored number), a lookup
 * through a link, a formula over that lookup, and a rollup. Each kind of write, prepared as
 * the write path prepares it, leaves exactly the fields the database must still compute,
 * and starts the propagation where its readers may have changed.
 */
import { describe, expect, it } from 'vitest';
import type { FieldMeta } from '@tabula/schema-engine';
import { buildPlan } from './computed-plan.js';
import { field, ID, table } from './testing/fields.js';
import { NOT_PREPARED, preparable, rowsFinal, settleFields, startOf } from './write-plan.js';

const CLIENTS = ID(900);
const ORDERS = ID(901);

const clients = table(CLIENTS, 'clients', [field(CLIENTS, 1, 'text', undefined), field(CLIENTS, 2, 'number', { scale: 2 })]);
const LINK = field(ORDERS, 100, 'link', { table: CLIENTS });
const QTY = field(ORDERS, 101, 'number', { scale: 0 });
const DOUBLE = field(ORDERS, 102, 'formula', { expression: 'x', stored: `{${ID(101)}} * 2`, resultType: 'number' });
const NAME = field(ORDERS, 103, 'lookup', { link: ID(100), field: ID(1), resultType: 'text', multiple: false });
const SHOUT = field(ORDERS, 104, 'formula', { expression: 'x', stored: `UPPER({${ID(103)}})`, resultType: 'text' });
const TOTAL = field(ORDERS, 105, 'rollup', { link: ID(100), field: ID(2), aggregate: 'sum', resultType: 'number' });

function planOf(...fields: FieldMeta[]) {
  const t = table(ORDERS, 'orders', [LINK, QTY, ...fields]);
  return buildPlan(t, (id) => (id === CLIENTS ? clients : id === ORDERS ? t : undefined));
}

const ids = (fs: FieldMeta[]) => fs.map((f) => f.id);

describe('a write and the computed engine', () => {
  it('a create of rows whose link-fed fields are lookups is written final: nothing left to settle on the rows', () => {
    const plan = planOf(DOUBLE, NAME, SHOUT);
    expect(ids(plan.own)).toEqual([DOUBLE.id]);
    expect(ids(plan.linked)).toEqual([NAME.id, SHOUT.id]);
    const prepared = preparable(plan, 'create');
    expect(prepared).toEqual({ own: true, linked: true });
    expect(settleFields(plan, prepared)).toEqual([]);
    expect(rowsFinal(plan, prepared)).toBe(true);
  });

  it('a create with a rollup leaves the link-fed fields (only those) to after the write', () => {
    const plan = planOf(DOUBLE, NAME, TOTAL);
    const prepared = preparable(plan, 'create');
    expect(prepared).toEqual({ own: true, linked: false });
    expect(ids(settleFields(plan, prepared))).toEqual([NAME.id, TOTAL.id]);
    expect(rowsFinal(plan, prepared)).toBe(false);
  });

  it('an update prepares own formulas and leaves every link-fed field to after the write', () => {
    const plan = planOf(DOUBLE, NAME);
    const prepared = preparable(plan, 'update');
    expect(prepared).toEqual({ own: true, linked: false });
    expect(ids(settleFields(plan, prepared))).toEqual([NAME.id]);
    expect(rowsFinal(plan, prepared)).toBe(false);
    expect(rowsFinal(planOf(DOUBLE), preparable(planOf(DOUBLE), 'update'))).toBe(true);
  });

  it('a delete or a restore prepares nothing: the rows get all their computed fields after it', () => {
    const plan = planOf(DOUBLE, NAME);
    for (const kind of ['delete', 'restore'] as const) {
      expect(preparable(plan, kind)).toEqual(NOT_PREPARED);
      expect(ids(settleFields(plan, NOT_PREPARED))).toEqual(ids(plan.order));
    }
  });

  it('new rows start no propagation of their own: their readers are the records they link to', () => {
    expect(startOf('create', ORDERS, ['a', 'b'], undefined, [])).toEqual(new Map());
  });

  it('an update starts from the slots the writer set and the ones the engine filled before and after the write', () => {
    const filledBefore = new Map([['a', new Set(['f102'])]]);
    const filledAfter = new Map([['a', new Set(['f103', '_e'])]]);
    const start = startOf('update', ORDERS, ['a'], ['f101'], [filledBefore, filledAfter]);
    expect(start.get(ORDERS)!.get('a')).toEqual(new Set(['f101', 'f102', 'f103', '_e']));
  });

  it('rows that went or came back reach every reader', () => {
    for (const kind of ['delete', 'restore'] as const) {
      const start = startOf(kind, ORDERS, ['a', 'b'], undefined, []);
      expect([...start.get(ORDERS)!]).toEqual([
        ['a', 'all'],
        ['b', 'all'],
      ]);
    }
  });
});
