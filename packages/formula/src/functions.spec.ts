/**
 * The table of cases: expression, inputs, expected wire value. Where a spreadsheet has the
 * same function or operator, the expected value is the spreadsheet's (deviations are
 * documented in docs/formulas.md and marked "Tabula:" in the tables in testing/).
 */
import { describe, expect, it } from 'vitest';
import { compileFormula, FUNCTION_NAMES } from './index.js';
import { arithmetic, comparisons, logical, math, text, type Case } from './testing/cases-basic.js';
import { aggregates, blanksAndErrors, dates, money } from './testing/cases-dates-money.js';
import { context, schema } from './testing/fixtures.js';
import type { FormulaValue } from './types.js';

const all: Array<[string, Case[]]> = [
  ['arithmetic', arithmetic],
  ['comparisons', comparisons],
  ['text', text],
  ['logical', logical],
  ['math', math],
  ['dates', dates],
  ['money', money],
  ['aggregates over links', aggregates],
  ['blanks and errors', blanksAndErrors],
];

const CASE_COUNT = all.reduce((n, [, cases]) => n + cases.length, 0);

function normalise(v: FormulaValue): FormulaValue {
  return v !== null && typeof v === 'object' && 'error' in v ? ({ error: v.error, message: '' } as FormulaValue) : v;
}

describe.each(all)('%s', (_, cases) => {
  it.each(cases)('%s', (expression, expected, values, aggs) => {
    const f = compileFormula(expression, schema);
    expect(normalise(f.evaluate(context(values, aggs)))).toEqual(expected);
  });
});

describe('the table', () => {
  it('has at least 150 cases', () => {
    expect(CASE_COUNT).toBeGreaterThanOrEqual(150);
  });

  it('covers every function of the library', () => {
    const used = all.flatMap(([, cases]) => cases.map(([e]) => e.toUpperCase())).join(' ');
    const missing = FUNCTION_NAMES.filter((name) => !new RegExp(`\\b${name}\\(`).test(used));
    expect(missing).toEqual([]);
  });
});
