/**
 * The computed engine treats as computed exactly the fields the registry calls derived:
 * a table holding one field of every registered type gets a plan whose order is its
 * derived fields, each computed the way its kind says (formula compiled, lookup read
 * through its link, aggregate summed in SQL). Read-only but not derived (autonumber) is
 * not recomputed. A new type must name its options below, so it cannot slip past.
 */
import { describe, expect, it } from 'vitest';
import { derivedKind, fieldTypeNames, type TableMeta } from '@tabula/schema-engine';
import { buildPlan } from './computed-plan.js';
import { field, ID, table } from './testing/fields.js';

const LINES = ID(900);
const ORDERS = ID(901);

const lines = table(LINES, 'lines', [field(LINES, 1, 'money', { currency: 'EUR' }), field(LINES, 2, 'text', undefined)]);

/** Options of each type on the orders table (the link is ID(100), a number ID(101)). */
const OPTIONS: Record<string, unknown> = {
  link: { table: LINES },
  number: { scale: 2 },
  select: { choices: [{ value: 'a' }] },
  multiSelect: { choices: [{ value: 'a' }] },
  autonumber: { format: 'N-{0}' },
  formula: { expression: 'x', stored: `{${ID(101)}} * 2`, resultType: 'number' },
  lookup: { link: ID(100), field: ID(2), resultType: 'text', multiple: true },
  rollup: { link: ID(100), field: ID(1), aggregate: 'sum', resultType: 'money', currency: 'EUR' },
};

function orders(): TableMeta {
  const types = ['link', 'number', ...fieldTypeNames().filter((t) => t !== 'link' && t !== 'number')];
  const fields = types.map((t, i) => field(ORDERS, 100 + i, t, OPTIONS[t]));
  return table(ORDERS, 'orders', fields, 1);
}

describe('buildPlan', () => {
  const table = orders();
  const plan = buildPlan(table, (id) => (id === LINES ? lines : id === ORDERS ? table : undefined));

  it('computes exactly the derived fields', () => {
    const derived = table.fields.filter((f) => derivedKind(f) !== false);
    expect(derived.map((f) => f.type).sort()).toEqual(['formula', 'lookup', 'rollup']);
    expect(plan.order.map((f) => f.id).sort()).toEqual(derived.map((f) => f.id).sort());
    expect(plan.order.some((f) => f.type === 'autonumber')).toBe(false);
  });

  it('computes each derived field the way its kind says', () => {
    for (const f of plan.order) {
      const kind = derivedKind(f);
      expect(plan.formulas.has(f.id), f.type).toBe(kind === 'formula');
      expect(plan.lookups.has(f.id), f.type).toBe(kind === 'lookup');
      expect(
        plan.aggs.some((a) => a.key === `rollup:${f.id}`),
        f.type,
      ).toBe(kind === 'aggregate');
    }
    expect(plan.aggs.find((a) => a.key.startsWith('rollup:'))!.fn).toBe('SUM');
  });

  it('reads the linked fields through the link they name, and evaluates own formulas before the write', () => {
    expect(plan.sources.map((f) => f.id)).toEqual([ID(100)]);
    expect([...plan.reads.get(ID(100))!].sort()).toEqual(['f1', 'f2']);
    expect(plan.own.map((f) => f.type)).toEqual(['formula']);
  });
});
