/** The storage form names fields by id: a rename changes the display, never the stored text. */
import { DomainError } from '@tabula/schema-engine';
import { describe, expect, it } from 'vitest';
import { compileFormula } from './index.js';
import { context, schema } from './testing/fixtures.js';
import type { FormulaSchema } from './types.js';

function renamed(s: FormulaSchema, from: string, to: string): FormulaSchema {
  return { fields: s.fields.map((f) => (f.key === from ? { ...f, key: to } : f)) };
}

describe('stored form', () => {
  it('replaces keys by ids and keeps the rest of the text as written', () => {
    const f = compileFormula('round( price * qty ,2)  &  " pcs"', schema);
    expect(f.stored).toBe('ROUND( {f_price} * {f_qty} ,2)  &  " pcs"');
    expect(f.expression).toBe('ROUND( price * qty ,2)  &  " pcs"');
  });

  it('survives renaming a field', () => {
    const f = compileFormula('IF(qty > 2, price * qty, 0)', schema);
    const after = renamed(schema, 'qty', 'quantity');
    const g = compileFormula(f.stored, after, { fromStored: true });
    expect(g.expression).toBe('IF(quantity > 2, price * quantity, 0)');
    expect(g.stored).toBe(f.stored);
    expect(g.evaluate(context())).toEqual(f.evaluate(context()));
    expect(g.dependencies).toEqual(f.dependencies);
    // the old key is gone from the display schema
    expect(() => compileFormula(f.expression, after)).toThrow(DomainError);
  });

  it('survives renaming a link and a field of the linked table', () => {
    const f = compileFormula('SUM(lines.amount)', schema);
    expect(f.stored).toBe('SUM({f_lines}.{l_amount})');
    const lines = schema.fields.find((x) => x.key === 'lines')!;
    const after: FormulaSchema = {
      fields: schema.fields.map((x) => (x === lines ? { ...x, key: 'items', linkTable: renamed(lines.linkTable!, 'amount', 'net') } : x)),
    };
    expect(compileFormula(f.stored, after, { fromStored: true }).expression).toBe('SUM(items.net)');
  });

  it('text that looks like a reference is left alone', () => {
    const f = compileFormula('"{f_qty} qty" & qty', schema);
    expect(f.stored).toBe('"{f_qty} qty" & {f_qty}');
    expect(compileFormula(f.stored, schema, { fromStored: true }).expression).toBe('"{f_qty} qty" & qty');
  });

  it('writes keywords in capitals so both forms mean the same', () => {
    expect(compileFormula('true', schema).stored).toBe('TRUE');
  });

  it('a deleted field shows as #REF! and evaluates to the cell error #REF!', () => {
    const f = compileFormula('price * qty', schema);
    const after = { fields: schema.fields.filter((x) => x.key !== 'qty') };
    const g = compileFormula(f.stored, after, { fromStored: true });
    expect(g.expression).toBe('price * #REF!');
    expect(g.stored).toBe(f.stored);
    expect(g.dependencies).toEqual(['f_price']);
    expect(g.evaluate(context())).toMatchObject({ error: '#REF!' });
    // the display form with #REF! must be fixed before it can be saved again
    expect(() => compileFormula(g.expression, after)).toThrow(/unexpected character "#"/);
  });

  it('the stored form does not accept keys, and the display form does not accept ids', () => {
    expect(() => compileFormula('price * 2', schema, { fromStored: true })).toThrow(/stored form names fields by \{id\}/);
    expect(() => compileFormula('{f_price} * 2', schema)).toThrow(/objects are not allowed/);
  });

  it('compiles once and evaluates many rows without parsing again', () => {
    const f = compileFormula('price * qty', schema);
    const totals = [1, 2, 3].map((q) => f.evaluate(context({ f_qty: q })));
    expect(totals).toEqual([
      { amount: '19.99', currency: 'EUR' },
      { amount: '39.98', currency: 'EUR' },
      { amount: '59.97', currency: 'EUR' },
    ]);
    expect(Object.isFrozen(f)).toBe(true);
  });
});
