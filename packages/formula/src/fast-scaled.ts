/**
 * Exact decimals as scaled integers for the fast path of evaluate() (fast.ts): a value is
 * a mantissa m, an integer held in a double with |m| ≤ 2^53 − 1, and a scale s ≥ 0, worth
 * m × 10^-s. Every function here either gives the exact result or NaN ("does not fit":
 * the caller gives the row to the reference evaluator); none allocates.
 *
 * A function returns the mantissa and leaves the rest of the value in `reg`: the scale,
 * the kind and, for money, the currency. Evaluation is synchronous and never re-entrant,
 * so one register set is safe; an operator copies it into locals before it evaluates its
 * next operand.
 */
import type { TypeInfo } from './types.js';

// Kinds of a fast value.
export const NUM = 0;
export const MONEY = 1;
export const BLANK = 2;
export const BOOL = 3;

export const reg = { s: 0, k: NUM, c: '' };

export const MAX = Number.MAX_SAFE_INTEGER;
export const MAX_SCALE = 200;
/** 10^0 … 10^22, each exact in a double. */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const CURRENCY_RE = /^[A-Za-z0-9]{1,10}$/;
/** The last currency that passed CURRENCY_RE (a fresh object at first: equal to nothing). */
let lastCurrency: unknown = {};

/** (m, s) of a wire number, as numberToDecimalString reads it; NaN when it does not fit. */
function readNumber(v: number): number {
  reg.s = 0;
  if (v === 0) return 0;
  for (let s = 0; s <= 15; s++) {
    // v × 10^s is inexact (257.03 × 100 = 25702.999999999996): round, then prove it
    const m = Math.round(v * POW10[s]!);
    if (!(m < 1e15 && m > -1e15)) return Number.NaN;
    if (m / POW10[s]! === v) {
      reg.s = s;
      return m;
    }
  }
  return Number.NaN;
}

/**
 * (m, s) of decimal text "-123.45" (also "5." and ".5"); NaN for any other spelling.
 * Zeros after the point are held back until a digit follows them, so trailing zeros
 * (PostgreSQL's "12.500000") neither count against the mantissa nor enter the scale.
 */
export function readText(t: string): number {
  const n = t.length;
  if (n === 0 || n > 40) return Number.NaN;
  let i = 0;
  let neg = false;
  if (t.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  let m = 0;
  let s = 0;
  let dot = false;
  let digits = 0;
  let zeros = 0;
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c === 46) {
      if (dot) return Number.NaN;
      dot = true;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return Number.NaN;
    digits++;
    if (dot) {
      if (d === 0) {
        zeros++;
        continue;
      }
      if (zeros > 0) {
        if (zeros > 22) return Number.NaN;
        m *= POW10[zeros]!;
        s += zeros;
        zeros = 0;
      }
      s++;
    }
    m = m * 10 + d;
    if (m > MAX) return Number.NaN;
  }
  if (digits === 0) return Number.NaN;
  reg.s = s;
  return neg ? -m : m;
}

function readDecimal(raw: unknown): number {
  if (typeof raw === 'number') return readNumber(raw);
  if (typeof raw === 'string') return readText(raw);
  return Number.NaN;
}

export function own(record: Record<string, unknown> | undefined, key: string): unknown {
  return record !== undefined && record !== null && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A wire value of static type number (fromWire 'number'). */
function wireNumber(raw: unknown): number {
  if (raw === null || raw === undefined) {
    reg.k = BLANK;
    reg.s = 0;
    return 0;
  }
  reg.k = NUM;
  return readDecimal(raw);
}

/** A wire value of static type money (fromWire 'money' / wireMoney). */
function wireMoney(raw: unknown, fixed: string | null): number {
  if (raw === null || raw === undefined) {
    reg.k = BLANK;
    reg.s = 0;
    return 0;
  }
  if (typeof raw === 'object') {
    if (Array.isArray(raw)) return Number.NaN;
    const rec = raw as Record<string, unknown>;
    if (typeof rec['error'] === 'string') return Number.NaN;
    const currency = rec['currency'] ?? fixed;
    if (currency !== lastCurrency) {
      if (typeof currency !== 'string' || !CURRENCY_RE.test(currency)) return Number.NaN;
      lastCurrency = currency;
    }
    const m = readDecimal(rec['amount']);
    reg.k = MONEY;
    reg.c = currency as string;
    return m;
  }
  if (!fixed) return Number.NaN;
  const m = readDecimal(raw);
  reg.k = MONEY;
  reg.c = fixed;
  return m;
}

function wireBoolean(raw: unknown): number {
  reg.s = 0;
  if (raw === null || raw === undefined) {
    reg.k = BLANK;
    return 0;
  }
  if (typeof raw !== 'boolean') return Number.NaN;
  reg.k = BOOL;
  return raw ? 1 : 0;
}

/** A reader of a wire value of static type t; null when t is outside the fast subset. */
export function reader(t: TypeInfo): ((raw: unknown) => number) | null {
  if (t.type === 'number') return wireNumber;
  if (t.type === 'money') {
    const fixed = t.currency ?? null;
    return (raw) => wireMoney(raw, fixed);
  }
  if (t.type === 'boolean') return wireBoolean;
  return null;
}

/** x·10^-xs + y·10^-ys; sets S. */
export function add(x: number, xs: number, y: number, ys: number): number {
  let r: number;
  if (xs === ys) {
    r = x + y;
  } else if (xs < ys) {
    const k = ys - xs;
    if (k > 22) {
      if (x !== 0) return Number.NaN;
      r = y;
    } else {
      const xx = x * POW10[k]!;
      if (xx > MAX || xx < -MAX) return Number.NaN;
      r = xx + y;
    }
    xs = ys;
  } else {
    const k = xs - ys;
    if (k > 22) {
      if (y !== 0) return Number.NaN;
      r = x;
    } else {
      const yy = y * POW10[k]!;
      if (yy > MAX || yy < -MAX) return Number.NaN;
      r = x + yy;
    }
  }
  if (r > MAX || r < -MAX) return Number.NaN;
  reg.s = xs;
  return r;
}

export function mul(x: number, xs: number, y: number, ys: number): number {
  const r = x * y;
  if (r > MAX || r < -MAX) return Number.NaN;
  const s = xs + ys;
  if (s > MAX_SCALE) return Number.NaN;
  reg.s = s;
  return r;
}

/** The exact quotient when it is a terminating decimal that fits; NaN otherwise (and for /0). */
export function div(x: number, xs: number, y: number, ys: number): number {
  if (y === 0) return Number.NaN;
  if (x === 0) {
    reg.s = 0;
    return 0;
  }
  let num = x;
  for (let k = 0; k <= 15; k++) {
    if (k > 0) {
      num = x * POW10[k]!;
      if (num > MAX || num < -MAX) return Number.NaN;
    }
    if (num % y === 0) {
      let q = num / y;
      let s = xs - ys + k;
      if (s < 0) {
        if (-s > 22) return Number.NaN;
        q *= POW10[-s]!;
        if (q > MAX || q < -MAX) return Number.NaN;
        s = 0;
      }
      if (s > MAX_SCALE) return Number.NaN;
      reg.s = s;
      return q;
    }
  }
  return Number.NaN;
}

/** Sign of x·10^-xs − y·10^-ys (−1, 0, 1); NaN when the operands cannot be aligned. */
export function cmp(x: number, xs: number, y: number, ys: number): number {
  if (xs < ys) {
    const k = ys - xs;
    if (k > 22) return x === 0 ? (y > 0 ? -1 : y < 0 ? 1 : 0) : Number.NaN;
    x *= POW10[k]!;
    if (x > MAX || x < -MAX) return Number.NaN;
  } else if (xs > ys) {
    const k = xs - ys;
    if (k > 22) return y === 0 ? (x > 0 ? 1 : x < 0 ? -1 : 0) : Number.NaN;
    y *= POW10[k]!;
    if (y > MAX || y < -MAX) return Number.NaN;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

export const HALF_UP = 4;
export const UP = 0;
export const DOWN = 1;

/** Rounds x·10^-xs to `digits` ≥ 0 decimals with a decimal.js mode (4, 0 or 1); sets S. */
export function roundScaled(x: number, xs: number, digits: number, mode: number): number {
  if (xs <= digits) {
    reg.s = xs;
    return x;
  }
  const k = xs - digits;
  reg.s = digits;
  if (k > 22) {
    // |x| < 2^53 < 10^16 ≤ half of 10^k: below one unit of the last kept decimal
    return mode === UP && x !== 0 ? (x < 0 ? -1 : 1) : 0;
  }
  const p = POW10[k]!;
  const rem = x % p;
  const q = (x - rem) / p;
  if (rem === 0) return q;
  const away = mode === UP || (mode === HALF_UP && Math.abs(rem) * 2 >= p);
  return away ? (x < 0 ? q - 1 : q + 1) : q;
}

/** The exact text of x·10^-s: no exponent, no trailing zeros, no "-0" (as decToString). */
export function formatScaled(m: number, s: number): string {
  if (m === 0) return '0';
  while (s > 0 && m % 10 === 0) {
    m /= 10;
    s--;
  }
  const neg = m < 0;
  let t = String(neg ? -m : m);
  if (s > 0) {
    if (t.length <= s) t = '0'.repeat(s - t.length + 1) + t;
    t = `${t.slice(0, t.length - s)}.${t.slice(t.length - s)}`;
  }
  return neg ? `-${t}` : t;
}
