/**
 * One regression test per attack, in the manner of mathjs's security tests: each input is
 * refused with a FORMULA_ERROR before anything runs, or (for data) stays inert. After all
 * of them the built-in prototypes must not have gained a property.
 */
import { DomainError } from '@tabula/schema-engine';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { restrictedMath } from './decimal.js';
import { compileFormula, LIMITS } from './index.js';
import { context, schema } from './testing/fixtures.js';

const snapshot = (o: object): string[] => Object.getOwnPropertyNames(o).sort();
const before = {
  object: snapshot(Object.prototype),
  function: snapshot(Function.prototype),
  array: snapshot(Array.prototype),
  string: snapshot(String.prototype),
};

function refused(expression: string): { position: number; message: string } {
  try {
    compileFormula(expression, schema);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    expect(e.code).toBe('FORMULA_ERROR');
    const d = e.details as { position: number; message: string };
    expect(typeof d.position).toBe('number');
    return d;
  }
  throw new Error(`"${expression.slice(0, 80)}" was accepted`);
}

describe('refused before anything runs', () => {
  it.each([
    // property access to prototypes and constructors
    'qty.constructor',
    'price.__proto__',
    'name.prototype',
    '__proto__',
    'constructor',
    'prototype',
    'qty.toString',
    'name.valueOf',
    'qty["constructor"]',
    'SUM(lines.constructor)',
    'SUM(lines.__proto__)',
    'COUNT(lines.hasOwnProperty)',
    'SUM(lines.toString)',
    'toString',
    'valueOf()',
    'hasOwnProperty("x")',
    '__defineGetter__',
    // the mathjs functions that must be unreachable
    'import("fs")',
    'import({}, {override: true})',
    'createUnit("foo")',
    'evaluate("1")',
    'evaluate("x")',
    'parse("1")',
    'compile("1")',
    'simplify("x")',
    'derivative("x^2", "x")',
    'resolve("x")',
    'reviver("x")',
    'matrix(1)',
    'config({})',
    'chain(1)',
    'typed("x")',
    'help("sin")',
    // known mathjs exploits
    'cos.constructor("return process")()',
    '[].map.constructor("return process")()',
    'Function("return process")()',
    'Function',
    'parse.constructor',
    'unit.constructor("return this")()',
    'ROUND.constructor',
    'ROUND.call',
    'IF.apply(1)',
    '(1).constructor',
    'TRUE.constructor',
    '"".toString.constructor',
    'LEFT("a").constructor',
    'ROUND(1)(2)',
    '(ROUND)(1)',
    'process',
    'global',
    'globalThis',
    'this',
    'require("fs")',
    'eval("1")',
    'setTimeout("1")',
    'Object',
    // constructs of the mathjs grammar that do not exist here
    '[1, 2]',
    '{}',
    '{a: 1}',
    '1:3',
    '5 cm',
    '5cm',
    '2 inch to cm',
    'f(x) = x',
    'a = 1',
    'x => x',
    'qty; 1',
    'qty ? 1 : 2',
    '3!',
    "qty'",
    '0x1F',
    'qty and flag',
    '# comment',
    'qty[1]',
    // strings that try to break out
    '"a\\" + evaluate("1")',
    '"abc"); evaluate("1',
    "'x' + cos.constructor('return process')()",
    '"\\u0022 + evaluate(1)"',
    '"\\x22"',
    '"unterminated',
    '"a" "b"',
  ])('%s', (expression) => {
    refused(expression);
  });

  it('a string that contains code stays text', () => {
    const f = compileFormula('"cos.constructor(\\"return process\\")()" & ""', schema);
    expect(f.evaluate(context())).toBe('cos.constructor("return process")()');
  });

  it('stored-form references to prototype names are missing fields, never properties', () => {
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const f = compileFormula(`{${id}} & ""`, schema, { fromStored: true });
      expect(f.evaluate(context())).toMatchObject({ error: '#REF!' });
    }
  });

  it('values are read as own properties only', () => {
    const f = compileFormula('qty + 1', schema);
    const inherited = Object.create({ f_qty: 41 }) as Record<string, unknown>;
    expect(f.evaluate({ values: inherited })).toBe('1');
    const g = compileFormula('SUM(lines.amount)', schema);
    expect(g.evaluate({ values: {}, aggregates: Object.create({ 'SUM:f_lines:l_amount': '5' }) })).toEqual({
      amount: '0',
      currency: 'EUR',
    });
  });
});

describe('limits', () => {
  it(`refuses an expression longer than ${LIMITS.maxLength} characters, even a megabyte`, () => {
    expect(refused('1'.repeat(LIMITS.maxLength + 1)).message).toMatch(/longer than/);
    expect(refused('1+'.repeat(500_000)).message).toMatch(/longer than/);
  });

  it(`refuses more than ${LIMITS.maxNodes} nodes`, () => {
    expect(refused('1+'.repeat(1500) + '1').message).toMatch(/more than 2000 parts/);
  });

  it('accepts a long flat chain and evaluates it without deep recursion problems', () => {
    const f = compileFormula('1+'.repeat(999) + '1', schema);
    expect(f.evaluate(context())).toBe('1000');
  });

  it(`refuses nesting deeper than ${LIMITS.maxDepth}, without a stack overflow`, () => {
    expect(refused('('.repeat(10_000)).message).toMatch(/nested deeper/);
    expect(refused('('.repeat(4_999) + '1' + ')'.repeat(4_999)).message).toMatch(/nested deeper/);
    expect(refused('-'.repeat(9_999) + '1').message).toMatch(/nested deeper/);
    expect(refused('2^'.repeat(3_000) + '2').message).toMatch(/nested deeper/);
    expect(refused('NOT('.repeat(1_500) + '1' + ')'.repeat(1_500)).message).toMatch(/nested deeper/);
    const ok = '('.repeat(LIMITS.maxDepth) + '1' + ')'.repeat(LIMITS.maxDepth);
    expect(compileFormula(ok, schema).evaluate(context())).toBe('1');
  });

  it('bounds the exponent and the size of a power', () => {
    expect(compileFormula('2 ^ 1001', schema).evaluate(context())).toMatchObject({ error: '#NUM!' });
    expect(compileFormula('POWER(2, -1001)', schema).evaluate(context())).toMatchObject({ error: '#NUM!' });
    expect(compileFormula('10 ^ 1000', schema).evaluate(context())).toMatchObject({ error: '#NUM!' });
    expect(compileFormula('(10 ^ 500) * (10 ^ 500)', schema).evaluate(context())).toMatchObject({ error: '#NUM!' });
    expect(compileFormula('2 ^ 1000', schema).evaluate(context())).toMatch(/^10715086071862673209\d+$/);
    expect(() => compileFormula('1e1001', schema)).toThrow(/out of range/);
  });

  it(`bounds text at ${LIMITS.maxTextLength} characters`, () => {
    const big = 'a'.repeat(60_000);
    const at = (e: string): unknown => compileFormula(e, schema).evaluate(context({ f_note: big }));
    expect(at('note & note')).toMatchObject({ error: '#VALUE!' });
    expect(at('CONCAT(note, note, note, note, note, note)')).toMatchObject({ error: '#VALUE!' });
    expect(at('SUBSTITUTE(note, "a", "aaaa")')).toMatchObject({ error: '#VALUE!' });
    expect(at('UPPER(note) & LEFT(note, 40000)')).toBe('A'.repeat(60_000) + 'a'.repeat(40_000));
    expect(compileFormula('note', schema).evaluate(context({ f_note: 'b'.repeat(100_001) }))).toMatchObject({ error: '#VALUE!' });
  });
});

describe('fuzzing', () => {
  const pieces = [
    'qty',
    'price',
    'name',
    'lines',
    '.',
    'amount',
    '(',
    ')',
    ',',
    '+',
    '-',
    '*',
    '/',
    '^',
    '&',
    '=',
    '<>',
    '"',
    "'",
    '\\',
    '1',
    '0.5',
    'IF',
    'SUM',
    'constructor',
    '__proto__',
    'evaluate',
    '{',
    '}',
    '[',
    ']',
    ' ',
    'ROUND',
    'TEXT',
    'DATE',
    '"0.00"',
    'e',
    '%',
  ];

  it('any input either compiles or is a FORMULA_ERROR, and evaluation never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), fc.string({ maxLength: 20 }), (parts, noise) => {
        for (const src of [parts.join(''), parts.join('') + noise, noise]) {
          let f;
          try {
            f = compileFormula(src, schema);
          } catch (e) {
            expect(e).toBeInstanceOf(DomainError);
            expect((e as DomainError).code).toBe('FORMULA_ERROR');
            continue;
          }
          expect(() => f.evaluate(context())).not.toThrow();
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the restricted mathjs instance', () => {
  it.each([
    'import',
    'createUnit',
    'evaluate',
    'parse',
    'compile',
    'simplify',
    'derivative',
    'resolve',
    'reviver',
    'matrix',
    'create',
    'factory',
    'config',
  ])('%s is disabled', (name) => {
    const fn = restrictedMath[name] as () => unknown;
    expect(() => fn()).toThrow(/disabled/);
  });

  it('holds no mathematical function of mathjs: formulas run only our library', () => {
    for (const name of ['add', 'sqrt', 'cos', 'map', 'range', 'unit', 'chain', 'help', 'Unit', 'Matrix', 'DenseMatrix']) {
      expect(restrictedMath[name]).toBeUndefined();
    }
  });
});

afterAll(() => {
  expect(snapshot(Object.prototype)).toEqual(before.object);
  expect(snapshot(Function.prototype)).toEqual(before.function);
  expect(snapshot(Array.prototype)).toEqual(before.array);
  expect(snapshot(String.prototype)).toEqual(before.string);
});
