/**
 * Numeric functions: ROUND, ROUNDUP, ROUNDDOWN, FLOOR, CEILING, ABS, MOD, POWER, SQRT,
 * VALUE and the scalar forms of SUM, AVG, COUNT, MIN, MAX (their forms over a link are
 * aggregates, resolved by the checker). Rounding functions keep money money, round half
 * away from zero and see the number as it is observed (20 significant digits).
 */
import {
  dec,
  isDec,
  parseDec,
  ROUND_CEIL,
  ROUND_DOWN,
  ROUND_FLOOR,
  ROUND_HALF_UP,
  ROUND_UP,
  roundTo,
  snap,
  toInt,
  type Dec,
} from '../decimal.js';
import { binary, compare, mod, power } from '../operators.js';
import { arithType, T, unify } from '../static-types.js';
import type { TypeInfo } from '../types.js';
import { CellError, checkNumber, DateTimeV, DateV, isError, Money, toNumber, valueError, type Value } from '../values.js';
import { defineFunctions, expectArg, expectArgs, type CheckCtx, type FunctionSpec, type Plain } from './registry.js';

/** Applies f to the amount of money or to a number, keeping the currency. */
function onAmount(v: Plain, f: (d: Dec) => Dec | CellError): Value {
  if (v instanceof Money) {
    const r = f(v.amount);
    return isError(r) ? r : new Money(r, v.currency);
  }
  const n = toNumber(v);
  return isError(n) ? n : f(n);
}

function numberArg(v: Plain | undefined, fallback: number): number | CellError {
  if (v === undefined) return fallback;
  const n = toNumber(v);
  return isError(n) ? n : toInt(n);
}

/** Same type as the first argument (money stays money); the others are numbers. */
function keepType(c: CheckCtx): TypeInfo {
  expectArgs(c, ['numOrMoney'], 'number');
  const t = c.args[0]!;
  return t.type === 'money' || t.type === 'any' ? t : T.number;
}

function rounding(name: string, mode: 0 | 1 | 4): FunctionSpec {
  return {
    name,
    min: 1,
    max: 2,
    type: keepType,
    run: ([x, digits]) => {
      const n = numberArg(digits, 0);
      if (isError(n)) return n;
      const d = Math.max(-1000, Math.min(1000, n));
      return onAmount(x!, (a) => roundTo(a, d, mode));
    },
  };
}

/** FLOOR and CEILING to a multiple of `significance`, with spreadsheets' sign rules. */
function multiple(name: 'FLOOR' | 'CEILING'): FunctionSpec {
  return {
    name,
    min: 1,
    max: 2,
    type: keepType,
    run: ([x, sig]) => {
      const s = sig === undefined ? dec(1) : toNumber(sig);
      if (isError(s)) return s;
      return onAmount(x!, (a) => {
        const v = snap(a);
        if (s.isZero()) return name === 'FLOOR' ? new CellError('#DIV/0!', 'FLOOR with a significance of 0') : dec(0);
        if (v.isPositive() && !v.isZero() && s.isNegative())
          return new CellError('#NUM!', `${name} of a positive number with a negative significance`);
        if (s.isNegative()) {
          // both negative: work on magnitudes; FLOOR goes toward zero, CEILING away from it
          const q = v
            .abs()
            .div(s.abs())
            .toDecimalPlaces(0, name === 'FLOOR' ? ROUND_DOWN : ROUND_UP);
          return q.times(s.abs()).neg();
        }
        const q = v.div(s).toDecimalPlaces(0, name === 'FLOOR' ? ROUND_FLOOR : ROUND_CEIL);
        return checkNumber(q.times(s));
      });
    },
  };
}

/** Folds values with an operator, statically and at run time (SUM). */
function sumType(c: CheckCtx): TypeInfo {
  let t: TypeInfo = T.number;
  c.args.forEach((a, i) => {
    const r = arithType('+', t, a);
    if (typeof r === 'string') c.fail(i, r);
    t = r;
  });
  if (t.type === 'date' || t.type === 'dateTime') c.fail(null, `${c.name} cannot add dates`);
  return t;
}

/** MIN and MAX of numbers, money or dates; blanks are ignored; numbers join the money's currency. */
function extreme(name: 'MIN' | 'MAX'): FunctionSpec {
  return {
    name,
    min: 1,
    max: 255,
    type: (c) => {
      let t: TypeInfo = T.blank;
      c.args.forEach((a, i) => {
        if (a.type === 'text' || a.type === 'boolean') c.fail(i, `${name} expects numbers, money or dates, got ${a.type}`);
        const u = unify(t, a);
        if (typeof u === 'string') return c.fail(i, u);
        t = u;
      });
      return t;
    },
    run: (args) => {
      let best: Plain = null;
      for (const a of args) {
        if (a === null) continue;
        const v = typeof a === 'string' || typeof a === 'boolean' ? toNumber(a) : a;
        if (isError(v)) return v;
        if (best === null) {
          best = v;
          continue;
        }
        const cmp = compare(v, best, false);
        if (isError(cmp)) return cmp;
        if (name === 'MIN' ? cmp < 0 : cmp > 0) best = v;
      }
      const currency = args.find((a): a is Money => a instanceof Money)?.currency;
      return isDec(best) && currency ? new Money(best, currency) : best;
    },
  };
}

function sum(args: Plain[]): Value {
  let total: Value = dec(0);
  for (const a of args) {
    total = binary('+', total, a);
    if (isError(total)) return total;
  }
  return total;
}

export const mathFunctions = defineFunctions([
  rounding('ROUND', ROUND_HALF_UP),
  rounding('ROUNDUP', ROUND_UP),
  rounding('ROUNDDOWN', ROUND_DOWN),
  multiple('FLOOR'),
  multiple('CEILING'),
  {
    name: 'ABS',
    min: 1,
    max: 1,
    type: keepType,
    run: ([x]) => onAmount(x!, (a) => a.abs()),
  },
  {
    name: 'MOD',
    min: 2,
    max: 2,
    type: keepType,
    run: ([x, y]) => {
      const d = toNumber(y!);
      return isError(d) ? d : onAmount(x!, (a) => mod(a, d));
    },
  },
  {
    name: 'POWER',
    min: 2,
    max: 2,
    type: (c) => (expectArgs(c, ['number', 'number']), T.number),
    run: ([x, y]) => {
      const a = toNumber(x!);
      const b = toNumber(y!);
      return isError(a) ? a : isError(b) ? b : power(a, b);
    },
  },
  {
    name: 'SQRT',
    min: 1,
    max: 1,
    type: (c) => (expectArg(c, 0, 'number'), T.number),
    run: ([x]) => {
      const a = toNumber(x!);
      if (isError(a)) return a;
      return a.isNegative() && !a.isZero() ? new CellError('#NUM!', 'square root of a negative number') : a.sqrt();
    },
  },
  {
    name: 'VALUE',
    min: 1,
    max: 1,
    type: (c) => (expectArg(c, 0, 'text'), T.number),
    run: ([x]) => {
      if (x instanceof Money) return x.amount;
      if (typeof x === 'string') return parseDec(x.replace(/[\s,]/g, '')) ?? valueError(`"${x.slice(0, 40)}" is not a number`);
      return toNumber(x!);
    },
  },
  { name: 'SUM', min: 1, max: 255, type: sumType, run: sum },
  {
    name: 'AVG',
    min: 1,
    max: 255,
    type: sumType,
    run: (args) => {
      const present = args.filter((a) => a !== null);
      if (present.length === 0) return new CellError('#DIV/0!', 'AVG of no values');
      return binary('/', sum(present), dec(present.length));
    },
  },
  {
    name: 'COUNT',
    min: 1,
    max: 255,
    type: () => T.number,
    run: (args) => dec(args.filter((a) => isDec(a) || a instanceof Money || a instanceof DateV || a instanceof DateTimeV).length),
  },
  extreme('MIN'),
  extreme('MAX'),
]);
