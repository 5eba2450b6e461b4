/**
 * The fast exact path (fast.ts) against the reference evaluator (evaluator.ts): for any
 * formula and any row, evaluate() must give exactly what the reference gives — same text,
 * same rounding, same errors, same currency — whether the row took the fast path or not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from './checker.js';
import { evaluateRoot } from './evaluator.js';
import { BAIL, compileFast } from './fast.js';
import { formatScaled } from './fast-scaled.js';
import { compileFormula } from './index.js';
import { parse } from './parser.js';
import { tokenize } from './tokenizer.js';
import type { EvalContext, FormulaSchema, FormulaValue } from './types.js';
import { toWire } from './values.js';
import { field } from './testing/fields.js';

const lines: FormulaSchema = {
  fields: [field('l_amount', 'amount', 'money', { currency: 'EUR' }), field('l_qty', 'qty', 'number')],
};

const schema: FormulaSchema = {
  fields: [
    field('q', 'qty', 'number'),
    field('u', 'unit', 'number'),
    field('v', 'vat', 'percent'),
    field('d', 'hours', 'duration'),
    field('p', 'price', 'money', { currency: 'EUR' }),
    field('c', 'cost', 'money', { currency: 'USD' }),
    field('w', 'amt', 'money', { currency: null }),
    field('f', 'flag', 'boolean'),
    field('t', 'total', 'formula', { resultType: 'number' }),
    field('l', 'lines', 'link', { table: 'linked' }, lines),
  ],
};

const SUM_AMOUNT = 'SUM:l:l_amount';
const SUM_QTY = 'SUM:l:l_qty';
const COUNT_LINES = 'COUNT:l:*';
const MAX_QTY = 'MAX:l:l_qty';

function reference(expression: string): (ctx: EvalContext) => FormulaValue {
  const { root } = check(parse(tokenize(expression, false)), schema, false);
  return (ctx) => toWire(evaluateRoot(root, { ctx }));
}

function fastOnly(expression: string): (ctx: EvalContext) => FormulaValue | typeof BAIL {
  const { root } = check(parse(tokenize(expression, false)), schema, false);
  const fast = compileFast(root);
  if (!fast) throw new Error(`${expression} is outside the fast subset`);
  return fast;
}

// ---- values: the ordinary, the edges and the invalid -------------------------------------

const EDGE_NUMBERS = [
  0,
  -0,
  0.1,
  0.2,
  0.1 + 0.2,
  1.15,
  -1.15,
  0.5,
  -0.5,
  2.5,
  0.005,
  0.015,
  -0.045,
  1 / 3,
  2 / 3,
  1e-7,
  1e-15,
  1.5e-16,
  5e-324,
  123456789012345,
  123456789012345.6,
  999999999999999,
  1e15,
  1e15 + 1,
  1e16,
  9007199254740991,
  // eslint-disable-next-line no-loss-of-precision -- past double precision, on purpose
  9007199254740993,
  1e21,
  1.7976931348623157e308,
  -1e15,
  12.345678901234,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  // eslint-disable-next-line no-loss-of-precision -- past double precision, on purpose
  4503599627370496.5,
  0.19,
  0.07,
  1.25,
];

const EDGE_TEXTS = [
  '0',
  '-0',
  '-0.00',
  '0.000',
  '00012.3400',
  '.5',
  '5.',
  '-.5',
  '+1.5',
  ' 1.5',
  '1.5 ',
  '1e3',
  '1E-3',
  '',
  '-',
  '.',
  '1.2.3',
  'abc',
  '1,5',
  '12345678901234567890',
  '9007199254740991',
  '9007199254740992',
  '0.000000000000000000000000001',
  '123456789012345678901234567890.123456789',
  '-99999999999999.99',
  '1' + '0'.repeat(120),
  '0.1',
  '0.2',
  '19.99',
  '1253.784',
  '12.500000',
  '1234.560000000000000000',
  '100.0010',
  '0.0000000000000000000000001000',
  '0.00000000000000000000000010',
  '9007199254740991.000',
  '900719925474099.10',
  '-0.000000',
  '5.00000000000000000000000000000000001',
];

const scaledText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 22 }), fc.nat({ max: 12 }))
  .map(([neg, digits, scale, trailing]) => {
    const s = digits.toString().padStart(scale + 1, '0');
    // trailing zeros as PostgreSQL writes numeric text ("12.500000")
    const text = scale === 0 ? s : `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}${'0'.repeat(trailing)}`;
    return neg ? `-${text}` : text;
  });

const smallScaled = fc.tuple(fc.integer({ min: -2_000_000, max: 2_000_000 }), fc.integer({ min: 0, max: 6 })).map(([m, s]) => m / 10 ** s);

const numberish = fc.oneof(
  { weight: 4, arbitrary: smallScaled },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 2, arbitrary: scaledText },
  { weight: 1, arbitrary: fc.constantFrom(...EDGE_TEXTS) },
);

const currency = fc.constantFrom<unknown>('EUR', 'EUR', 'USD', 'eur', '', null, undefined, 'TOOLONGCURRENCY', 'E-R', 7);

const wire = fc.oneof(
  { weight: 6, arbitrary: numberish },
  { weight: 6, arbitrary: fc.record({ amount: numberish, currency }, { requiredKeys: ['amount'] }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, undefined, true, false) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      { error: '#DIV/0!', message: 'division by zero' },
      { error: '#WHAT', message: 3 },
      [],
      [1.5],
      [{ amount: '2', currency: 'EUR' }],
      [1, 2],
      { amount: true, currency: 'EUR' },
      {},
      new Date(0),
      'TRUE',
    ),
  },
);

const row = fc.record(
  {
    q: wire,
    u: wire,
    v: wire,
    d: wire,
    p: wire,
    c: wire,
    w: wire,
    f: wire,
    t: wire,
  },
  { requiredKeys: [] },
);

const aggregates = fc.record({ [SUM_AMOUNT]: wire, [SUM_QTY]: wire, [COUNT_LINES]: wire, [MAX_QTY]: wire }, { requiredKeys: [] });

const ctxArb: fc.Arbitrary<EvalContext> = fc.tuple(row, fc.option(aggregates, { nil: undefined })).map(([values, aggs]) => {
  const ctx: EvalContext = { values: values as Record<string, unknown> };
  if (aggs) ctx.aggregates = aggs as Record<string, unknown>;
  return ctx;
});

/** Rows as the bench and a real table give them: the common case the fast path must take. */
const typicalRow = fc.record({
  q: fc.integer({ min: 1, max: 5000 }).map((n) => n / 100),
  u: fc.integer({ min: 50, max: 200_000 }).map((n) => n / 100),
  v: fc.constantFrom(0, 0.07, 0.19, 0.2, 0.055),
  p: fc.integer({ min: 50, max: 200_000 }).map((n) => ({ amount: (n / 100).toFixed(2), currency: 'EUR' })),
  f: fc.boolean(),
});

// ---- formulas ----------------------------------------------------------------------------

const FORMULAS = [
  'qty * unit * (1 + vat)',
  'qty * price * (1 + vat)',
  'ROUND(qty * price * (1 + vat), 2)',
  'IF(qty > 10, qty * unit * (1 - vat), qty * unit)',
  'qty + unit',
  'qty - unit',
  'qty / unit',
  'qty / 4',
  'price / 3',
  'price / qty',
  'price / price',
  'price / cost',
  'qty / price',
  'price + cost',
  'price * cost',
  'price + amt',
  'amt - amt * vat',
  'amt * 2',
  '2 - price',
  '-price',
  '+qty',
  '-qty',
  '-flag',
  '+flag',
  'qty + flag',
  'flag * price',
  'qty = unit',
  'qty <> unit',
  'qty < unit',
  'qty <= unit',
  'qty > unit',
  'qty >= unit',
  'price > 100',
  'price = amt',
  'price < cost',
  'flag = TRUE',
  'flag = qty',
  'flag < qty',
  'flag = BLANK()',
  'qty = BLANK()',
  'price = BLANK()',
  'ROUND(qty, 2)',
  'ROUND(qty)',
  'ROUND(price, unit)',
  'ROUND(qty, -1)',
  'ROUND(qty, 1.9)',
  'ROUND(qty, -0.5)',
  'ROUNDUP(qty * vat, 1)',
  'ROUNDDOWN(price * vat, 2)',
  'ROUNDUP(qty, 2000)',
  'ROUND(qty, price)',
  'ROUND(flag, 0)',
  'ROUND(BLANK(), 2)',
  'ABS(qty - unit)',
  'ABS(price - 100)',
  'ABS(flag)',
  'IF(flag, price, 0)',
  'IF(flag, qty)',
  'IF(qty, 1, 2)',
  'IF(price, 1, 2)',
  'IF(qty > unit, price, price * 2)',
  'IF(flag, amt, BLANK())',
  'IF(AND(qty > 1, unit < 100), qty, unit)',
  'IF(OR(flag, qty = 0), 1, 0)',
  'NOT(flag)',
  'NOT(qty)',
  'AND(flag, qty, unit)',
  'OR(price > 0, flag)',
  'ISBLANK(qty)',
  'ISBLANK(price)',
  'TRUE()',
  'FALSE',
  'BLANK()',
  'qty',
  'price',
  'amt',
  'flag',
  'total * 2',
  'hours * 60',
  'SUM(lines.amount)',
  'SUM(lines.amount) * (1 + vat)',
  'SUM(lines.qty) / COUNT(lines)',
  'COUNT(lines) + 1',
  'MAX(lines.qty) - qty',
  'IF(COUNT(lines) = 0, 0, SUM(lines.amount) / COUNT(lines))',
  '0.1 + 0.2',
  '0.1 * 3 = 0.3',
  '1 / 3 * 3',
  '(1 / 3) * 3 - 1',
  '1e21 + 1 - 1e21',
  'qty * 1e12 * unit * 1e6',
  'qty * 0.000000000001 * vat * 0.000001',
  'qty * qty * qty * qty * qty',
  'unit * unit * unit * unit - 1',
  '(qty + 0.001) * (unit - 0.001) * 1000000',
  'price * 1.000000001 - price',
  'qty % 3',
  'qty ^ 2',
  'qty & unit',
];

/** Random expressions over the schema: many do not type-check and are skipped. */
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'qty',
      'unit',
      'vat',
      'hours',
      'price',
      'cost',
      'amt',
      'flag',
      'total',
      'TRUE',
      'BLANK()',
      'SUM(lines.amount)',
      'COUNT(lines)',
      'MAX(lines.qty)',
    ),
    fc.constantFrom('0', '1', '2', '0.5', '0.1', '100', '0.19', '3', '1e20', '0.0000001', '123456789.123456789'),
    fc
      .tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '=', '<>', '<', '<=', '>', '>='), tie('e'))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('e').map((a) => `-${a}`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `IF(${a}, ${b}, ${c})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `IF(${a}, ${b})`),
    fc
      .tuple(fc.constantFrom('ROUND', 'ROUNDUP', 'ROUNDDOWN'), tie('e'), fc.constantFrom('0', '1', '2', '3', 'qty'))
      .map(([f, a, d]) => `${f}(${a}, ${d})`),
    tie('e').map((a) => `ABS(${a})`),
    fc.tuple(fc.constantFrom('AND', 'OR'), tie('e'), tie('e')).map(([f, a, b]) => `${f}(${a}, ${b})`),
    tie('e').map((a) => `NOT(${a})`),
    tie('e').map((a) => `ISBLANK(${a})`),
  ),
})).e;

function compiles(expression: string): boolean {
  try {
    compileFormula(expression, schema);
    return true;
  } catch {
    return false;
  }
}

describe('fast exact path', () => {
  it('formats scaled integers as decToString does', () => {
    expect(formatScaled(0, 5)).toBe('0');
    expect(formatScaled(-0, 0)).toBe('0');
    expect(formatScaled(1253784, 3)).toBe('1253.784');
    expect(formatScaled(125378400, 5)).toBe('1253.784');
    expect(formatScaled(-5, 3)).toBe('-0.005');
    expect(formatScaled(1000, 0)).toBe('1000');
    expect(formatScaled(3, 1)).toBe('0.3');
    expect(formatScaled(9007199254740991, 20)).toBe('0.00009007199254740991');
  });

  it('takes the common rows itself, exactly (the bench formulas on realistic values)', () => {
    const cases: Array<[string, EvalContext, FormulaValue]> = [
      ['qty * unit * (1 + vat)', { values: { q: 3, u: 19.99, v: 0.19 } }, '71.3643'],
      [
        'qty * price * (1 + vat)',
        { values: { q: 3, p: { amount: '19.99', currency: 'EUR' }, v: 0.19 } },
        { amount: '71.3643', currency: 'EUR' },
      ],
      [
        'ROUND(qty * price * (1 + vat), 2)',
        { values: { q: 3, p: { amount: '19.99', currency: 'EUR' }, v: 0.19 } },
        { amount: '71.36', currency: 'EUR' },
      ],
      ['IF(qty > 10, qty * unit * (1 - vat), qty * unit)', { values: { q: 12, u: 0.1, v: 0.2 } }, '0.96'],
      ['qty + unit', { values: { q: 0.1, u: 0.2 } }, '0.3'],
      ['price + 0.01', { values: { p: { amount: '0.1', currency: 'EUR' } } }, { amount: '0.11', currency: 'EUR' }],
      ['qty / 4', { values: { q: 1 } }, '0.25'],
      ['qty * unit', { values: { q: '12.500000', u: '2.000000000000000000' } }, '25'],
      [
        'SUM(lines.amount) * (1 + vat)',
        { values: { v: 0.19 }, aggregates: { [SUM_AMOUNT]: { amount: '100.00', currency: 'EUR' } } },
        { amount: '119', currency: 'EUR' },
      ],
    ];
    for (const [expression, ctx, want] of cases) {
      expect(fastOnly(expression)(ctx)).toStrictEqual(want);
      expect(compileFormula(expression, schema).evaluate(ctx)).toStrictEqual(want);
    }
    fc.assert(
      fc.property(typicalRow, fc.constantFrom(...FORMULAS.slice(0, 4)), (values, expression) => {
        const ctx = { values };
        const got = fastOnly(expression)(ctx);
        expect(got).not.toBe(BAIL);
        expect(got).toStrictEqual(reference(expression)(ctx));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives up on what it cannot decide exactly, and evaluate() then gives the reference result', () => {
    const bails: Array<[string, Record<string, unknown>]> = [
      ['qty / unit', { q: 1, u: 3 }], // does not terminate: 34 digits inside, 20 shown
      ['qty / unit', { q: 1, u: 0 }], // #DIV/0!
      ['qty + unit', { q: 0.1 + 0.2, u: 0 }], // 17 significant digits: read as 0.3 by the reference
      ['qty * unit', { q: 123456789, u: 987654321 }], // product beyond 2^53
      ['price + amt', { p: { amount: '1', currency: 'EUR' }, w: { amount: '1', currency: 'USD' } }], // clash
      ['qty + unit', { q: ' 1.5', u: 1 }], // text in another spelling
      ['qty + unit', { q: '1e3', u: 1 }],
      ['qty + unit', { q: { error: '#DIV/0!', message: 'x' }, u: 1 }],
    ];
    for (const [expression, values] of bails) {
      expect(fastOnly(expression)({ values })).toBe(BAIL);
      expect(compileFormula(expression, schema).evaluate({ values })).toStrictEqual(reference(expression)({ values }));
    }
    expect(compileFormula('qty / unit', schema).evaluate({ values: { q: 1, u: 3 } })).toBe('0.33333333333333333333');
    expect(compileFormula('qty + unit', schema).evaluate({ values: { q: 0.1 + 0.2, u: 0 } })).toBe('0.3');
    expect(compileFormula('qty * unit', schema).evaluate({ values: { q: 123456789, u: 987654321 } })).toBe('121932631112635269');
  });

  it('never throws: a values object whose getter throws gives the reference cell error', () => {
    const values = Object.defineProperty({ u: 2 }, 'q', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    }) as Record<string, unknown>;
    const got = compileFormula('qty * unit', schema).evaluate({ values });
    expect(got).toStrictEqual({ error: '#VALUE!', message: 'boom' });
    expect(got).toStrictEqual(reference('qty * unit')({ values }));
  });

  it('leaves formulas outside its subset to the reference evaluator', () => {
    for (const expression of ['qty & unit', 'qty % 3', 'qty ^ 2', 'TODAY()', 'CONVERT(price, "USD")', '1e21 + qty', 'SQRT(qty)']) {
      const { root } = check(parse(tokenize(expression, false)), schema, false);
      expect(compileFast(root)).toBeNull();
    }
  });

  it('gives exactly the reference result for every listed formula over random and edge rows', () => {
    const formulas = FORMULAS.filter(compiles).map((expression) => ({
      expression,
      compiled: compileFormula(expression, schema),
      reference: reference(expression),
    }));
    expect(formulas.length).toBeGreaterThan(80);
    fc.assert(
      fc.property(ctxArb, (ctx) => {
        for (const f of formulas) {
          expect(f.compiled.evaluate(ctx), `${f.expression} over ${JSON.stringify(ctx)}`).toStrictEqual(f.reference(ctx));
        }
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('gives exactly the reference result for random formulas over random rows', () => {
    fc.assert(
      fc.property(expr, fc.array(ctxArb, { minLength: 1, maxLength: 8 }), (expression, ctxs) => {
        fc.pre(compiles(expression));
        const compiled = compileFormula(expression, schema);
        const ref = reference(expression);
        for (const ctx of ctxs) expect(compiled.evaluate(ctx), `${expression} over ${JSON.stringify(ctx)}`).toStrictEqual(ref(ctx));
      }),
      { numRuns: 2000 },
    );
  }, 120_000);

  it('random formulas over ordinary rows: mostly fast, always the reference result', () => {
    const ordinary = fc.record({
      q: smallScaled,
      u: smallScaled,
      v: fc.constantFrom(0, 0.07, 0.19),
      d: smallScaled,
      p: smallScaled.map((n) => ({ amount: String(n), currency: 'EUR' })),
      c: smallScaled.map((n) => ({ amount: n, currency: 'USD' })),
      w: fc.constantFrom({ amount: '10.5', currency: 'EUR' }, { amount: '-3', currency: 'USD' }, null),
      f: fc.constantFrom(true, false, null),
      t: fc.option(smallScaled, { nil: null }),
    });
    fc.assert(
      fc.property(expr, fc.array(ordinary, { minLength: 1, maxLength: 8 }), (expression, rows) => {
        fc.pre(compiles(expression));
        const compiled = compileFormula(expression, schema);
        const ref = reference(expression);
        for (const values of rows) {
          const ctx = { values, aggregates: { [SUM_AMOUNT]: { amount: '12.5', currency: 'EUR' }, [COUNT_LINES]: 3 } };
          expect(compiled.evaluate(ctx), `${expression} over ${JSON.stringify(ctx)}`).toStrictEqual(ref(ctx));
        }
      }),
      { numRuns: 2000 },
    );
  }, 120_000);
});
