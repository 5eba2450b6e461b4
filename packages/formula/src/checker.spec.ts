/** Type inference, dependencies and check-time errors (FORMULA_ERROR with the offset). */
import { DomainError } from '@tabula/schema-engine';
import { describe, expect, it } from 'vitest';
import { checkFormula, compileFormula } from './index.js';
import { schema } from './testing/fixtures.js';
import type { FormulaCheck } from './types.js';
import { field } from './testing/fields.js';

function errorOf(expression: string): { position: number; message: string } {
  try {
    compileFormula(expression, schema);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('FORMULA_ERROR');
    return (e as DomainError).details as { position: number; message: string };
  }
  throw new Error(`"${expression}" compiled, a FORMULA_ERROR was expected`);
}

describe('type inference', () => {
  it.each<[string, Partial<FormulaCheck>]>([
    ['price * qty', { type: 'money', currency: 'EUR' }],
    ['price * qty * (1 + vat)', { type: 'money', currency: 'EUR' }],
    ['price / price', { type: 'number' }],
    ['amt + amt2', { type: 'money', currency: null }],
    ['price + amt', { type: 'money', currency: null }],
    ['CONVERT(cost, "EUR")', { type: 'money', currency: 'EUR' }],
    ['CONVERT(cost, "EUR") + price', { type: 'money', currency: 'EUR' }],
    ['ROUND(price, 2)', { type: 'money', currency: 'EUR' }],
    ['AMOUNT(price)', { type: 'number' }],
    ['qty + 1', { type: 'number' }],
    ['name & qty', { type: 'text' }],
    ['LEFT(name, 2)', { type: 'text' }],
    ['qty > 1', { type: 'boolean' }],
    ['ISBLANK(name)', { type: 'boolean' }],
    ['due + 1', { type: 'date' }],
    ['due - start', { type: 'number' }],
    ['at + 1', { type: 'dateTime' }],
    ['IF(qty > 1, due, at)', { type: 'dateTime' }],
    ['DATEADD(due, 1, "month")', { type: 'date' }],
    ['NOW()', { type: 'dateTime' }],
    ['BLANK()', { type: 'blank' }],
    ['IF(qty > 1, 5, BLANK())', { type: 'number' }],
    ['IF(qty > 1, price, 0)', { type: 'money', currency: 'EUR' }],
    ['anything', { type: 'any' }],
    ['anything * 2', { type: 'any' }],
    ['total * 2', { type: 'number' }],
    ['SUM(lines.amount)', { type: 'money', currency: 'EUR' }],
    ['COUNT(lines)', { type: 'number' }],
    ['MAX(lines.day)', { type: 'date' }],
    ['MIN(price, 10)', { type: 'money', currency: 'EUR' }],
  ])('%s', (expression, expected) => {
    expect(checkFormula(expression, schema)).toMatchObject(expected);
  });

  it('reports the keys of the fields read, once each, and the link of an aggregate', () => {
    expect(checkFormula('price * qty + price', schema).dependencies).toEqual(['price', 'qty']);
    expect(checkFormula('SUM(lines.amount) + 1', schema).dependencies).toEqual(['lines']);
    expect(checkFormula('1 + 2', schema).dependencies).toEqual([]);
  });

  it('lists aggregates with a stable key, deduplicated', () => {
    const f = compileFormula('SUM(lines.amount) / COUNT(lines) + SUM(lines.amount)', schema);
    expect(f.aggregates).toEqual([
      { key: 'SUM:f_lines:l_amount', linkFieldId: 'f_lines', fieldId: 'l_amount', fn: 'SUM' },
      { key: 'COUNT:f_lines:*', linkFieldId: 'f_lines', fieldId: null, fn: 'COUNT' },
    ]);
    expect(f.dependencies).toEqual(['f_lines']);
  });

  it('marks TODAY and NOW as volatile, and only them', () => {
    expect(compileFormula('TODAY() - due', schema).volatile).toBe(true);
    expect(compileFormula('YEAR(NOW())', schema).volatile).toBe(true);
    expect(compileFormula('due + 1', schema).volatile).toBe(false);
  });

  it('accepts function names in any case and writes them in capitals', () => {
    for (const e of ['round(price, 2)', 'Round(price, 2)', 'ROUND(price, 2)']) {
      expect(compileFormula(e, schema).expression).toBe('ROUND(price, 2)');
    }
  });

  it('prefers a field named like a keyword when written in lower case', () => {
    const s = { fields: [...schema.fields, field('f_true', 'true', 'number')] };
    expect(compileFormula('true + 1', s).evaluate({ values: { f_true: 41 } })).toBe('42');
    expect(compileFormula('TRUE', s).evaluate({ values: { f_true: 41 } })).toBe(true);
  });
});

describe('check-time errors name the offset', () => {
  it.each<[string, number, RegExp]>([
    ['qty * pricee', 6, /unknown field "pricee".*did you mean price/],
    ['pricee', 0, /unknown field "pricee"/],
    ['FOO(1)', 0, /unknown function "FOO"/],
    ['1 + ROUNDD(2)', 4, /unknown function "ROUNDD".*did you mean ROUND/],
    ['ROUND()', 0, /ROUND takes 1 to 2 arguments, got 0/],
    ['NOT(1, 2)', 0, /NOT takes 1 argument, got 2/],
    ['price + cost', 6, /cannot add EUR and USD: use CONVERT/],
    ['price - cost', 6, /cannot subtract EUR and USD/],
    ['price > cost', 6, /cannot compare EUR and USD/],
    ['IF(qty > 1, price, cost)', 19, /cannot mix EUR and USD/],
    ['MIN(price, cost)', 11, /cannot mix EUR and USD/],
    ['name + 1', 5, /text is not a number/],
    ['price * price', 6, /cannot multiply money/],
    ['qty / price', 4, /cannot divide number and money/],
    ['due + due', 4, /cannot add date and date/],
    ['qty = name', 4, /cannot compare number with text/],
    ['IF(qty > 1, 1, "a")', 15, /cannot mix number and text/],
    ['IF(qty > 1, amt, 0)', 17, /per-value currency/],
    ['SQRT(name)', 5, /SQRT expects a number as argument 1, got text/],
    ['ROUND(qty, name)', 11, /ROUND expects a number as argument 2/],
    ['CURRENCY(qty)', 9, /CURRENCY expects money/],
    ['YEAR(qty)', 5, /YEAR expects a date/],
    ['DATEADD(due, 1, "fortnight")', 16, /unknown unit "fortnight"/],
    ['DATEDIFF(due, start, "hours")', 21, /unknown unit/],
    ['CONVERT(price, "eur")', 15, /not a currency code/],
    ['CONVERT(qty, "EUR")', 8, /CONVERT expects money/],
    ['IFS(TRUE, 1, FALSE)', 0, /IFS takes pairs/],
    ['SWITCH(qty, "a", 1, 2)', 12, /cannot compare number with text/],
    ['SWITCH(qty, 1, "a", 2, 3)', 23, /cannot mix text and number/],
    ['lines + 1', 0, /lines is a link: use COUNT\(lines\)/],
    ['SUM(lines)', 4, /SUM needs a field of the linked table/],
    ['SUM(qty.amount)', 4, /qty is not a link field/],
    ['SUM(lines.nope)', 10, /unknown field "nope" in the table linked by lines/],
    ['SUM(lines.title)', 10, /SUM cannot aggregate title/],
    ['SUM(lines.order)', 10, /links of links/],
    ['lines.amount * 2', 0, /only allowed as the one argument of SUM/],
    ['SUM(lines.amount, 1)', 4, /only allowed as the one argument/],
    ['', 0, /empty/],
    ['   ', 0, /empty/],
    ['1 +', 3, /ends too early/],
    ['(1 + 2', 6, /ends too early: expected a closing bracket/],
    ['1 + 2)', 5, /unmatched bracket/],
    ['IF(1, 2', 7, /expected a "," or a closing bracket/],
    ['"abc', 0, /text is not closed/],
    ['1 2', 2, /unexpected "2"/],
    ['qty qty', 4, /unexpected "qty"/],
    ['1 +* 2', 3, /unexpected "\*"/],
    ['a ? 1 : 2', 2, /use IF/],
    ['qty && flag', 4, /unexpected "&&"/],
    ['!flag', 0, /use NOT/],
    ['"C:\\path"', 3, /unknown escape/],
  ])('%s', (expression, position, message) => {
    const d = errorOf(expression);
    expect(d.message).toMatch(message);
    expect(d.position).toBe(position);
  });

  it('names the unknown field (and only then), for callers that answer it as UNKNOWN_FIELD', () => {
    expect((errorOf('qty * pricee') as { unknownField?: string }).unknownField).toBe('pricee');
    expect((errorOf('SUM(lines.nope)') as { unknownField?: string }).unknownField).toBe('lines.nope');
    expect((errorOf('MAX(nolink.amount)') as { unknownField?: string }).unknownField).toBe('nolink');
    for (const e of ['FOO(1)', 'name + 1', 'lines + 1', 'SUM(lines.title)', '1 +']) expect(errorOf(e)).not.toHaveProperty('unknownField');
  });

  it('checkFormula throws the same errors', () => {
    expect(() => checkFormula('qty * pricee', schema)).toThrow(DomainError);
  });
});
