/**
 * The bridge from tables to formula schemas: every field is typed by its field type's
 * formulaType (so what the checker accepts follows the registry — autonumber reads as text,
 * attachments as any), links carry their linked table one level deep, and the display form
 * of a stored formula follows renames.
 */
import { describe, expect, it } from 'vitest';
import { compileFormula } from './compile.js';
import { displayExpression, formulaSchema } from './field-schema.js';
import { fieldMeta, ORDERS, world } from './testing/tables.js';

const typeOf = (expression: string) => {
  const { orders, tables } = world();
  const c = compileFormula(expression, formulaSchema(orders, tables));
  return c.resultType === 'money' ? `money ${c.currency}` : c.resultType;
};
const errorOf = (expression: string) => {
  const { orders, tables } = world();
  try {
    compileFormula(expression, formulaSchema(orders, tables));
    return '(compiled)';
  } catch (e) {
    return (e as { code: string; message: string }).code + ': ' + (e as Error).message;
  }
};

describe('formulaSchema', () => {
  it('types every field by its field type and gives a link its linked table, one level deep', () => {
    const { orders, tables } = world();
    const s = formulaSchema(orders, tables);
    expect(s.fields.map((f) => [f.key, f.type, f.formulaType])).toEqual([
      ['no', 'autonumber', { type: 'text' }],
      ['date', 'date', { type: 'date' }],
      ['files', 'attachment', { type: 'any' }],
      ['client', 'link', { type: 'link', table: orders.fields[3]!.options.table }],
      ['lines', 'link', { type: 'link', table: orders.fields[4]!.options.table }],
    ]);
    const lines = s.fields.find((f) => f.key === 'lines')!.linkTable!;
    expect(lines.fields.map((f) => f.key)).toEqual(['amount', 'qty', 'shipped', 'orders']);
    expect(lines.fields.find((f) => f.key === 'orders')!.linkTable).toBeUndefined();
  });

  it('leaves a link to a table that no longer exists without a linked table', () => {
    const { orders } = world();
    expect(formulaSchema(orders, () => undefined).fields.find((f) => f.key === 'lines')!.linkTable).toBeUndefined();
  });

  it.each([
    ['no & "/" & YEAR(date)', 'text'],
    ['VALUE(RIGHT(no, 4)) + 1', 'number'],
    ['SUM(lines.amount) * 2', 'money EUR'],
    ['MAX(lines.shipped)', 'date'],
    ['files', 'any'],
  ])('%s is %s', (expression, want) => {
    expect(typeOf(expression)).toBe(want);
  });

  it.each([
    // an autonumber is text: arithmetic on it is refused when the formula is saved, not a cell error per row
    ['no * 2', /FORMULA_ERROR: cannot multiply text and number/],
    ['SUM(lines.nope)', /FORMULA_ERROR: unknown field "nope"/],
    ['SUM(client.name)', /FORMULA_ERROR: SUM cannot aggregate name \(text\)/],
  ])('%s is refused', (expression, want) => {
    expect(errorOf(expression)).toMatch(want);
  });
});

describe('displayExpression', () => {
  it('shows a stored formula with the current keys, and nothing when it no longer compiles', () => {
    const { orders, tables } = world();
    const stored = compileFormula('SUM(lines.amount) & no', formulaSchema(orders, tables)).stored;
    const f = fieldMeta(ORDERS, 'total', 'formula', { expression: 'x', stored, resultType: 'text' });
    orders.fields.find((x) => x.key === 'no')!.key = 'number';
    expect(displayExpression(f, orders, tables)).toBe('SUM(lines.amount) & number');
    expect(displayExpression({ ...f, options: { ...f.options, stored: '{nope' } }, orders, tables)).toBeUndefined();
  });
});
