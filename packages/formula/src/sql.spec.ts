/**
 * formulaToSql compiles only formulas whose every node has an exact `numeric` twin, and
 * refuses the rest (they stay with the evaluator). That the SQL stores exactly what the
 * evaluator stores is tested against a real database, on both backends, in
 * tests/api/recompute-sql.int-spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { compileFormula } from './index.js';
import { formulaToSql } from './sql.js';
import type { FormulaSchema } from './types.js';
import { field } from './testing/fields.js';

const schema: FormulaSchema = {
  fields: [
    field('q', 'qty', 'number'),
    field('u', 'unit', 'number'),
    field('v', 'vat', 'percent'),
    field('d', 'hours', 'duration'),
    field('p', 'price', 'money', { currency: 'EUR' }),
    field('k', 'fee', 'money', { currency: 'EUR' }),
    field('c', 'cost', 'money', { currency: 'USD' }),
    field('w', 'amt', 'money', { currency: null }),
    field('t', 'total', 'formula', { resultType: 'number' }),
  ],
};

const input = (f: { id: string }) => `in_${f.id}`;
const toSql = (expression: string) => formulaToSql(compileFormula(expression, schema).stored, schema, input);

describe('formulaToSql', () => {
  it.each([
    ['ROUND(qty * price * (1 + vat), 2)', 'money', ['q', 'p', 'v']],
    ['qty * unit - 3.25', 'number', ['q', 'u']],
    ['-qty + unit', 'number', ['q', 'u']],
    ['price - fee', 'money', ['p', 'k']],
    ['ROUND(qty)', 'number', ['q']],
  ])('compiles %s', (expression, type, fields) => {
    const s = toSql(expression)!;
    expect(s).not.toBeNull();
    expect(s.type).toBe(type);
    expect(s.fields.sort()).toEqual([...fields].sort());
    if (type === 'money') expect(s.currency).toBe('EUR');
    // every step is guarded to 20 significant digits, every input to be present, the result to be non-zero
    expect(s.guard.match(/<= 20/g)!.length).toBe(s.laterals.match(/CROSS JOIN LATERAL/g)!.length);
    for (const f of fields) expect(s.laterals).toContain(`in_${f}`);
    expect(s.guard).toContain(`${s.value} <> 0`);
  });

  it('guards sums against cancelling their operands', () => {
    expect(toSql('qty - unit')!.guard).toMatch(/abs\(s3\.v\) \* 1e20 >= greatest\(abs\(s1\.v\), abs\(s2\.v\)\)/);
  });

  it.each([
    'qty / unit', // division: the evaluator's precision, #DIV/0!
    'IF(qty > 1, qty, 0)',
    'price / fee', // a ratio of two amounts: division
    'ROUND(qty, unit)', // digits not a literal
    'ROUND(qty, -1)',
    'ROUND(qty, 21)',
    'total * 2', // a computed field's stored form
    'amt * 2', // money without a fixed currency
    'hours * 2',
    'qty & "x"',
    'TODAY()',
    'MOD(qty, 2)',
  ])('leaves %s to the evaluator', (expression) => {
    expect(toSql(expression)).toBeNull();
  });

  it('refuses a field the caller cannot read as numeric', () => {
    const stored = compileFormula('qty * unit', schema).stored;
    expect(formulaToSql(stored, schema, (f) => (f.id === 'u' ? null : 'x'))).toBeNull();
  });
});
