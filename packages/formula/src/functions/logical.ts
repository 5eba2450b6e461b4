/**
 * Logical functions: IF, IFS, SWITCH, AND, OR, NOT, ISBLANK, BLANK, TRUE, FALSE.
 * IF, IFS and SWITCH evaluate only the branch they take (an error in another branch does
 * not matter), and their branches must share one type (see static-types.ts `unify`).
 */
import { compare } from '../operators.js';
import { compareCheck, T, unify } from '../static-types.js';
import type { TypeInfo } from '../types.js';
import { isError, toBool, type Value } from '../values.js';
import { defineFunctions, expectArg, expectArgs, type CheckCtx } from './registry.js';

function unifyAll(c: CheckCtx, indexes: number[], start: TypeInfo = T.blank): TypeInfo {
  let t = start;
  for (const i of indexes) {
    const u = unify(t, c.args[i]!);
    if (typeof u === 'string') c.fail(i, u);
    t = u;
  }
  return t;
}

function condition(v: Value): boolean | Value {
  return isError(v) ? v : toBool(v);
}

export const logicalFunctions = defineFunctions([
  {
    name: 'IF',
    min: 2,
    max: 3,
    lazy: true,
    type: (c) => {
      expectArg(c, 0, 'condition');
      return unifyAll(c, c.args.length === 3 ? [1, 2] : [1]);
    },
    run: ([cond, then, otherwise]) => {
      const b = condition(cond!());
      if (typeof b !== 'boolean') return b;
      return b ? then!() : otherwise ? otherwise() : null;
    },
  },
  {
    name: 'IFS',
    min: 2,
    max: 254,
    lazy: true,
    type: (c) => {
      if (c.args.length % 2 !== 0) c.fail(null, 'IFS takes pairs of condition, value');
      const values: number[] = [];
      c.args.forEach((_, i) => (i % 2 === 0 ? expectArg(c, i, 'condition') : values.push(i)));
      return unifyAll(c, values);
    },
    run: (args) => {
      for (let i = 0; i + 1 < args.length; i += 2) {
        const b = condition(args[i]!());
        if (typeof b !== 'boolean') return b;
        if (b) return args[i + 1]!();
      }
      return null;
    },
  },
  {
    name: 'SWITCH',
    min: 3,
    max: 255,
    lazy: true,
    type: (c) => {
      const results: number[] = [];
      for (let i = 1; i + 1 < c.args.length; i += 2) {
        const clash = compareCheck(c.args[0]!, c.args[i]!);
        if (clash) c.fail(i, clash);
        results.push(i + 1);
      }
      if (c.args.length % 2 === 0) results.push(c.args.length - 1); // default
      return unifyAll(c, results);
    },
    run: (args) => {
      const x = args[0]!();
      if (isError(x)) return x;
      for (let i = 1; i + 1 < args.length; i += 2) {
        const candidate = args[i]!();
        if (isError(candidate)) return candidate;
        const cmp = compare(x, candidate, true);
        if (isError(cmp)) return cmp;
        if (cmp === 0) return args[i + 1]!();
      }
      return args.length % 2 === 0 ? args[args.length - 1]!() : null;
    },
  },
  {
    name: 'AND',
    min: 1,
    max: 255,
    type: (c) => (expectArgs(c, [], 'condition'), T.boolean),
    run: (args) => {
      let all = true;
      for (const a of args) {
        const b = toBool(a);
        if (isError(b)) return b;
        all &&= b;
      }
      return all;
    },
  },
  {
    name: 'OR',
    min: 1,
    max: 255,
    type: (c) => (expectArgs(c, [], 'condition'), T.boolean),
    run: (args) => {
      let any = false;
      for (const a of args) {
        const b = toBool(a);
        if (isError(b)) return b;
        any ||= b;
      }
      return any;
    },
  },
  {
    name: 'NOT',
    min: 1,
    max: 1,
    type: (c) => (expectArg(c, 0, 'condition'), T.boolean),
    run: ([a]) => {
      const b = toBool(a!);
      return isError(b) ? b : !b;
    },
  },
  {
    name: 'ISBLANK',
    min: 1,
    max: 1,
    keepErrors: true,
    type: () => T.boolean,
    run: ([a]) => a === null || a === '',
  },
  { name: 'BLANK', min: 0, max: 0, type: () => T.blank, run: () => null },
  { name: 'TRUE', min: 0, max: 0, type: () => T.boolean, run: () => true },
  { name: 'FALSE', min: 0, max: 0, type: () => T.boolean, run: () => false },
]);
