/**
 * The fast exact path of evaluate(): the checked tree compiled once into closures over
 * scaled integers. A number is a mantissa m (an integer in a double, |m| ≤ 2^53 − 1) and a
 * scale s (m × 10^-s), so 0.1 + 0.2 is 1 + 2 at scale 1: exactly 0.3, with no binary float
 * anywhere and no allocation per operation.
 *
 * It is an optimisation, never a second semantics: it covers a subset (numbers, money,
 * booleans and blanks; + - * / and comparisons; IF, AND, OR, NOT, ISBLANK, ROUND,
 * ROUNDUP, ROUNDDOWN, ABS, BLANK, TRUE, FALSE; fields and aggregates of those types), and
 * whenever a row leaves it — a value that does not fit the mantissa, text, a decimal
 * string in another spelling, an error value, a currency clash, a division that does not
 * terminate, anything that would give a cell error — the closure gives up (BAIL) and the
 * caller evaluates that row with the reference evaluator (evaluator.ts), which therefore
 * decides every result that is not plainly exact. Giving up has no side effects: the fast
 * path calls nothing of the caller (no rate(), today() or now()).
 *
 * Why the results are the reference's:
 * - a wire number is read as the decimal numberToDecimalString() gives: (m, s) is taken
 *   only when m is an integer, |m| < 10^15 and m / 10^s === v (a correctly rounded
 *   division), i.e. a decimal of at most 15 significant
 *   digits that rounds to v; two different decimals of ≤ 15 digits never round to the same
 *   double (DBL_DIG), so it is the value of String(v), which that function keeps;
 * - + - * / are taken only when the exact result fits 2^53: then it has ≤ 16 significant
 *   digits, which the reference (34 digits, then observed at 20) also represents exactly,
 *   and its cancellation rule cannot fire (it needs a sum 10^20 times below its operands);
 * - comparisons and rounding see the exact value, as the reference sees its value snapped
 *   to 20 digits (no-op at ≤ 16 digits);
 * - a negative zero (the reference has it too) is never observable in this subset: it
 *   prints "0", compares equal to 0 and is false.
 */
import type { Node } from './checker.js';
import type { EvalContext, FormulaValue, TypeInfo } from './types.js';
import {
  add,
  BLANK,
  BOOL,
  cmp,
  div,
  DOWN,
  formatScaled,
  HALF_UP,
  MONEY,
  mul,
  NUM,
  own,
  POW10,
  readText,
  reader,
  reg,
  roundScaled,
  UP,
} from './fast-scaled.js';

type Fn = (ctx: EvalContext) => number;

/** Returned by a compiled evaluator when the row must be evaluated by the reference path. */
export const BAIL: unique symbol = Symbol('bail');
export type FastEvaluator = (ctx: EvalContext) => FormulaValue | typeof BAIL;

/** As conform() in evaluator.ts: a number where the type is money of a fixed currency is that money. */
function conformer(t: TypeInfo): string | null {
  return t.type === 'money' && t.currency ? t.currency : null;
}

type CallBuilder = (n: Extract<Node, { k: 'call' }>, args: Fn[]) => Fn | null;

/** toBool: blank is FALSE, a number is TRUE when not zero; money is an error (give up). */
function truth(m: number): number {
  if (m !== m || reg.k === MONEY) return Number.NaN;
  return m !== 0 ? 1 : 0;
}

function logical(fold: 'AND' | 'OR'): CallBuilder {
  return (_n, args) => (ctx) => {
    // eager: every argument is evaluated (a later one may be an error), then folded
    let acc = fold === 'AND' ? 1 : 0;
    for (const a of args) {
      const b = truth(a(ctx));
      if (b !== b) return b;
      acc = fold === 'AND' ? acc & b : acc | b;
    }
    reg.k = BOOL;
    reg.s = 0;
    return acc;
  };
}

function rounding(mode: number): CallBuilder {
  return (_n, [value, digitsArg]) =>
    (ctx) => {
      const x = value!(ctx);
      if (x !== x) return x;
      const xs = reg.s;
      const xk = reg.k;
      const xc = reg.c;
      let digits = 0;
      if (digitsArg) {
        const d = digitsArg(ctx);
        if (d !== d || reg.k === MONEY) return Number.NaN;
        // toInt: truncated towards zero, then bounded as ROUND does
        const t = reg.s === 0 ? d : reg.s > 22 ? 0 : (d - (d % POW10[reg.s]!)) / POW10[reg.s]!;
        digits = Math.max(-1000, Math.min(1000, t));
        if (digits < 0) return Number.NaN;
      }
      const r = roundScaled(x, xs, digits, mode);
      if (xk === MONEY) {
        reg.k = MONEY;
        reg.c = xc;
      } else {
        reg.k = NUM;
      }
      return r;
    };
}

const CALLS: Readonly<Record<string, CallBuilder>> = {
  IF: (n, [cond, then, otherwise]) => {
    if (n.args.length < 2) return null;
    return (ctx) => {
      const c = truth(cond!(ctx));
      if (c !== c) return c;
      if (c === 1) return then!(ctx);
      if (otherwise) return otherwise(ctx);
      reg.k = BLANK;
      reg.s = 0;
      return 0;
    };
  },
  AND: logical('AND'),
  OR: logical('OR'),
  NOT:
    (_n, [a]) =>
    (ctx) => {
      const b = truth(a!(ctx));
      if (b !== b) return b;
      reg.k = BOOL;
      reg.s = 0;
      return 1 - b;
    },
  ISBLANK:
    (_n, [a]) =>
    (ctx) => {
      const m = a!(ctx);
      if (m !== m) return m; // an error argument is kept by ISBLANK: the reference decides
      const blank = reg.k === BLANK ? 1 : 0;
      reg.k = BOOL;
      reg.s = 0;
      return blank;
    },
  BLANK: () => () => {
    reg.k = BLANK;
    reg.s = 0;
    return 0;
  },
  TRUE: () => () => {
    reg.k = BOOL;
    reg.s = 0;
    return 1;
  },
  FALSE: () => () => {
    reg.k = BOOL;
    reg.s = 0;
    return 0;
  },
  ROUND: rounding(HALF_UP),
  ROUNDUP: rounding(UP),
  ROUNDDOWN: rounding(DOWN),
  ABS:
    (_n, [a]) =>
    (ctx) => {
      const m = a!(ctx);
      if (m !== m) return m;
      if (reg.k !== MONEY) reg.k = NUM;
      return m < 0 ? -m : m;
    },
};

function constant(n: Extract<Node, { k: 'const' }>): Fn | null {
  const v = n.value;
  if (typeof v === 'boolean') {
    const m = v ? 1 : 0;
    return () => {
      reg.k = BOOL;
      reg.s = 0;
      return m;
    };
  }
  if (v === null || typeof v !== 'object' || !('toFixed' in v) || typeof v.toFixed !== 'function') return null;
  // a BigNumber literal (the checker makes these from number text)
  const m = readText((v as { toFixed(): string }).toFixed());
  if (m !== m) return null;
  const s = reg.s;
  return () => {
    reg.k = NUM;
    reg.s = s;
    return m;
  };
}

function arithmetic(op: '+' | '-' | '*' | '/', left: Fn, right: Fn): Fn {
  return (ctx) => {
    const x = left(ctx);
    if (x !== x) return x;
    const xs = reg.s;
    const xk = reg.k;
    const xc = reg.c;
    const y = right(ctx);
    if (y !== y) return y;
    const ys = reg.s;
    const yk = reg.k;
    let money = false;
    let currency = '';
    if (xk === MONEY || yk === MONEY) {
      if (xk === MONEY && yk === MONEY) {
        if (xc !== reg.c || op === '*') return Number.NaN; // a clash or money × money: an error
        money = op !== '/'; // money / money is a number
      } else {
        if (yk === MONEY && op === '/') return Number.NaN; // number / money: an error
        money = true;
      }
      currency = xk === MONEY ? xc : reg.c;
    }
    // blanks and booleans are 0 / 1 at scale 0 already
    let r: number;
    if (op === '+') r = add(x, xs, y, ys);
    else if (op === '-') r = add(x, xs, -y, ys);
    else if (op === '*') r = mul(x, xs, y, ys);
    else r = div(x, xs, y, ys);
    if (money) {
      reg.k = MONEY;
      reg.c = currency;
    } else {
      reg.k = NUM;
    }
    return r;
  };
}

function comparison(op: '=' | '<>' | '<' | '<=' | '>' | '>=', left: Fn, right: Fn): Fn {
  return (ctx) => {
    const x = left(ctx);
    if (x !== x) return x;
    const xs = reg.s;
    const xk = reg.k;
    const xc = reg.c;
    const y = right(ctx);
    if (y !== y) return y;
    const yk = reg.k;
    let c: number;
    if (xk === BLANK && yk === BLANK) c = 0;
    else if (xk === BOOL || yk === BOOL) {
      // booleans compare with booleans (blank is FALSE); with a number they are incomparable
      if ((xk !== BOOL && xk !== BLANK) || (yk !== BOOL && yk !== BLANK)) return Number.NaN;
      c = x - y;
    } else {
      if (xk === MONEY && yk === MONEY && xc !== reg.c) return Number.NaN;
      c = cmp(x, xs, y, reg.s);
      if (c !== c) return c;
    }
    reg.k = BOOL;
    reg.s = 0;
    switch (op) {
      case '=':
        return c === 0 ? 1 : 0;
      case '<>':
        return c !== 0 ? 1 : 0;
      case '<':
        return c < 0 ? 1 : 0;
      case '<=':
        return c <= 0 ? 1 : 0;
      case '>':
        return c > 0 ? 1 : 0;
      default:
        return c >= 0 ? 1 : 0;
    }
  };
}

function withConform(fn: Fn, t: TypeInfo): Fn {
  const currency = conformer(t);
  if (currency === null) return fn;
  return (ctx) => {
    const m = fn(ctx);
    if (reg.k === NUM) {
      reg.k = MONEY;
      reg.c = currency;
    }
    return m;
  };
}

function build(n: Node): Fn | null {
  switch (n.k) {
    case 'const':
      return constant(n);
    case 'field': {
      const read = reader(n.t);
      if (!read) return null;
      const id = n.id;
      return (ctx) => read(own(ctx.values, id));
    }
    case 'agg': {
      const t = n.fn === 'COUNT' ? { type: 'number' as const } : n.valueType;
      const read = reader(t);
      if (!read) return null;
      const key = n.key;
      // absent: COUNT and SUM of numbers are 0, SUM of money of a fixed currency is 0 of it
      const absentKind =
        n.fn === 'COUNT' || (n.fn === 'SUM' && t.type === 'number')
          ? NUM
          : n.fn === 'SUM' && t.type === 'money' && t.currency
            ? MONEY
            : BLANK;
      const absentCurrency = t.currency ?? '';
      return (ctx) => {
        const raw = own(ctx.aggregates, key);
        if (raw === undefined || raw === null) {
          reg.k = absentKind;
          reg.c = absentCurrency;
          reg.s = 0;
          return 0;
        }
        return read(raw);
      };
    }
    case 'unary': {
      const arg = build(n.arg);
      if (!arg) return null;
      const negate = n.op === '-';
      return (ctx) => {
        const m = arg(ctx);
        if (m !== m) return m;
        if (reg.k === MONEY) return negate ? -m : m;
        reg.k = NUM;
        return negate ? (m === 0 ? 0 : -m) : m;
      };
    }
    case 'binary': {
      const left = build(n.left);
      const right = build(n.right);
      if (!left || !right) return null;
      switch (n.op) {
        case '+':
        case '-':
        case '*':
        case '/':
          return arithmetic(n.op, left, right);
        case '=':
        case '<>':
        case '<':
        case '<=':
        case '>':
        case '>=':
          return comparison(n.op, left, right);
        default:
          return null;
      }
    }
    case 'call': {
      const make = Object.hasOwn(CALLS, n.fn.name) ? CALLS[n.fn.name] : undefined;
      if (!make || n.fn.volatile) return null;
      const args: Fn[] = [];
      for (const a of n.args) {
        const f = build(a);
        if (!f) return null;
        args.push(f);
      }
      const fn = make(n, args);
      return fn && withConform(fn, n.t);
    }
  }
}

/**
 * The fast evaluator of a checked formula, or null when the formula uses anything outside
 * the subset (then every row goes to the reference evaluator). It returns BAIL for a row it
 * cannot decide exactly by itself.
 */
export function compileFast(root: Node): FastEvaluator | null {
  const body = build(root);
  if (!body) return null;
  const currency = conformer(root.t);
  return (ctx) => {
    const m = body(ctx);
    if (m !== m) return BAIL;
    let k = reg.k;
    if (k === NUM && currency !== null) {
      k = MONEY;
      reg.c = currency;
    }
    switch (k) {
      case NUM:
        return formatScaled(m, reg.s);
      case MONEY:
        return { amount: formatScaled(m, reg.s), currency: reg.c };
      case BOOL:
        return m !== 0;
      default:
        return null;
    }
  };
}
