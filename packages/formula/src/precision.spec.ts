/** Exact decimal arithmetic: no binary float anywhere between the wire and the result. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFormula } from './index.js';
import type { FormulaSchema } from './types.js';
import { field } from './testing/fields.js';

const s: FormulaSchema = {
  fields: [field('a', 'a', 'number'), field('b', 'b', 'number'), field('m', 'm', 'money', { currency: 'EUR' })],
};

/** A decimal as BigInt units of 10^-scale. */
function units(text: string, scale: number): bigint {
  const neg = text.startsWith('-');
  const [i, f = ''] = text.replace('-', '').split('.') as [string, string?];
  const v = BigInt(i + f.padEnd(scale, '0'));
  return neg ? -v : v;
}

function fromUnits(v: bigint, scale: number): string {
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  const out = frac ? `${int}.${frac}` : int;
  return neg && out !== '0' ? `-${out}` : out;
}

const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 99_999_999_999n }), fc.bigInt({ min: 0n, max: 99_999_999n }))
  .map(([neg, i, f]) => `${neg ? '-' : ''}${i}.${f.toString().padStart(8, '0')}`);

describe('exact decimals', () => {
  it('10,000 additions of 0.01 give exactly 100, as a number and as money', () => {
    const add = compileFormula('a + 0.01', s);
    let acc: unknown = '0';
    for (let i = 0; i < 10_000; i++) acc = add.evaluate({ values: { a: acc } });
    expect(acc).toBe('100');

    const addMoney = compileFormula('m + 0.01', s);
    let total: unknown = { amount: '0', currency: 'EUR' };
    for (let i = 0; i < 10_000; i++) total = addMoney.evaluate({ values: { m: total } });
    expect(total).toEqual({ amount: '100', currency: 'EUR' });
  });

  it('reads JS numbers from the wire by their shortest decimal text', () => {
    const f = compileFormula('a + b', s);
    expect(f.evaluate({ values: { a: 0.1, b: 0.2 } })).toBe('0.3');
    expect(f.evaluate({ values: { a: 1.15, b: 0 } })).toBe('1.15');
  });

  it('a + b and a - b are exact for 19-digit decimals (the sum fits 20)', () => {
    const add = compileFormula('a + b', s);
    const sub = compileFormula('a - b', s);
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        expect(add.evaluate({ values: { a, b } })).toBe(fromUnits(units(a, 8) + units(b, 8), 8));
        expect(sub.evaluate({ values: { a, b } })).toBe(fromUnits(units(a, 8) - units(b, 8), 8));
      }),
      { numRuns: 500 },
    );
  });

  it('a * b is exact while the product fits 20 significant digits', () => {
    const mul = compileFormula('a * b', s);
    const small = fc
      .tuple(fc.boolean(), fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99_999 }))
      .map(([neg, i, f]) => `${neg ? '-' : ''}${i}.${String(f).padStart(5, '0')}`);
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(mul.evaluate({ values: { a, b } })).toBe(fromUnits(units(a, 5) * units(b, 5), 10));
      }),
      { numRuns: 500 },
    );
  });

  it('ROUND(x, 2) rounds half away from zero, exactly', () => {
    const round = compileFormula('ROUND(a, 2)', s);
    fc.assert(
      fc.property(decimalText, (a) => {
        const u = units(a, 8);
        const mag = u < 0n ? -u : u;
        const q = (mag + 500_000n) / 1_000_000n; // half away from zero on the magnitude
        expect(round.evaluate({ values: { a } })).toBe(fromUnits(u < 0n ? -q : q, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('division keeps 34 digits inside and shows 20', () => {
    expect(compileFormula('1 / 3', s).evaluate({ values: {} })).toBe('0.33333333333333333333');
    expect(compileFormula('1 / 3 * 3', s).evaluate({ values: {} })).toBe('1');
    expect(compileFormula('(1 / 3) * 3 - 1', s).evaluate({ values: {} })).toBe('0');
    expect(compileFormula('1e21 + 1 - 1e21', s).evaluate({ values: {} })).toBe('0');
    expect(compileFormula('1e19 + 1 - 1e19', s).evaluate({ values: {} })).toBe('1');
    expect(compileFormula('m / 3 * 3', s).evaluate({ values: { m: '100' } })).toEqual({ amount: '100', currency: 'EUR' });
  });
});
