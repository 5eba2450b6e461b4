/**
 * The restricted mathjs instance and the exact decimal helpers built on it.
 *
 * The instance is created from ONE factory, the BigNumber type (decimal.js configured with
 * precision 34): no parser, no evaluate, no import of new functions, no units, no
 * matrices. Formula functions are our own code over BigNumber methods (functions/*.ts);
 * nothing on this instance is reachable from a formula. As a second belt the core
 * functions that create() always adds (import, create, factory, config) are replaced by
 * ones that throw, as mathjs's security guide recommends.
 *
 * Invariant: a number keeps 34 significant digits while it is computed and is observed
 * (output, comparison, rounding, conversion to text or integer) with 20: `1 / 3 * 3` is 1.
 */
import { create, BigNumberDependencies, type BigNumber } from 'mathjs';
import { numberToDecimalString } from '@tabula/schema-engine';
import { LIMITS } from './limits.js';

export type Dec = BigNumber;

interface DecCtor {
  new (v: string | number | Dec): Dec;
}

const math = create({ BigNumberDependencies }, { number: 'BigNumber', precision: LIMITS.precision });

const DISABLED = [
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
];
function disable(name: string): () => never {
  return () => {
    throw new Error(`Function ${name} is disabled`);
  };
}
const mathRecord = math as unknown as Record<string, unknown>;
const BigNumberClass = mathRecord['BigNumber'] as DecCtor;
math.import(Object.fromEntries(DISABLED.map((n) => [n, disable(n)])), { override: true });
for (const name of DISABLED) mathRecord[name] = disable(name);

/** Exposed for the security test only: proves the instance holds nothing dangerous. */
export const restrictedMath: Readonly<Record<string, unknown>> = mathRecord;

// decimal.js rounding modes (numeric constants of the Decimal class)
export const ROUND_UP = 0; // away from zero
export const ROUND_DOWN = 1; // towards zero
export const ROUND_CEIL = 2;
export const ROUND_FLOOR = 3;
export const ROUND_HALF_UP = 4; // half away from zero, as spreadsheets round

export const ZERO = new BigNumberClass(0);
export const ONE = new BigNumberClass(1);

export function dec(v: string | number): Dec {
  return new BigNumberClass(v);
}

export function isDec(v: unknown): v is Dec {
  return v instanceof BigNumberClass;
}

const DECIMAL_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,4})?\s*$/;

/** A decimal from wire or text input; null when it is not a number. */
export function parseDec(v: unknown): Dec | null {
  if (typeof v === 'number') return Number.isFinite(v) ? dec(numberToDecimalString(v)) : null;
  if (typeof v === 'string' && v.length <= 100 && DECIMAL_TEXT.test(v)) {
    const d = dec(v.trim());
    return inRange(d) ? d : null;
  }
  return null;
}

/** The value as it is observed: 20 significant digits, half away from zero. */
export function snap(d: Dec): Dec {
  return d.toSignificantDigits(LIMITS.resultDigits, ROUND_HALF_UP);
}

export function inRange(d: Dec): boolean {
  return d.isZero() || d.e < LIMITS.maxMagnitude;
}

/** Exact decimal text, never exponent form, no trailing zeros, no "-0". */
export function decToString(d: Dec): string {
  const s = snap(d);
  if (s.isZero()) return '0';
  if (s.e < -LIMITS.maxMagnitude) return '0';
  return s.toFixed();
}

/** Rounds to `digits` decimals (negative: to tens, hundreds, …) with a decimal.js mode. */
export function roundTo(d: Dec, digits: number, mode: 0 | 1 | 2 | 3 | 4): Dec {
  const x = snap(d);
  if (digits >= 0) return x.toDecimalPlaces(digits, mode);
  const f = dec(10).pow(-digits);
  return x.div(f).toDecimalPlaces(0, mode).times(f);
}

/** A whole number for an argument such as a count or a year (truncated, like spreadsheets). */
export function toInt(d: Dec): number {
  return snap(d).toDecimalPlaces(0, ROUND_DOWN).toNumber();
}
