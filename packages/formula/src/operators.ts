/**
 * Runtime semantics of the operators. Errors propagate (the left operand's first); blank
 * is 0 in arithmetic and "" in text; money keeps its currency and refuses another one
 * (#VALUE!: CONVERT first); division by zero is #DIV/0!; numbers are compared as they are
 * observed (20 significant digits), so `1/3*3 = 1` is TRUE.
 */
import { dec, isDec, snap, type Dec } from './decimal.js';
import { MS_PER_DAY, parseIsoDateTime } from './dates.js';
import { LIMITS } from './limits.js';
import type { BinaryOp } from './parser.js';
import {
  CellError,
  checkNumber,
  checkText,
  DateTimeV,
  DateV,
  isError,
  kindOf,
  Money,
  toNumber,
  toText,
  valueError,
  type Value,
} from './values.js';

type Plain = Exclude<Value, CellError>;

const collator = new Intl.Collator('en', { sensitivity: 'accent' });

export function binary(op: BinaryOp, a: Value, b: Value): Value {
  if (isError(a)) return a;
  if (isError(b)) return b;
  switch (op) {
    case '&':
      return checkText(toText(a) + toText(b));
    case '=':
    case '<>': {
      const c = compare(a, b, true);
      if (isError(c)) return c;
      return op === '=' ? c === 0 : c !== 0;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const c = compare(a, b, false);
      if (isError(c)) return c;
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    }
    default:
      return arithmetic(op, a, b);
  }
}

export function negate(v: Value): Value {
  if (isError(v)) return v;
  if (v instanceof Money) return new Money(v.amount.neg(), v.currency);
  const n = toNumber(v);
  return isError(n) ? n : n.isZero() ? dec(0) : n.neg();
}

export function plus(v: Value): Value {
  if (isError(v) || v instanceof Money) return v;
  return toNumber(v);
}

function currencyClash(a: Money, b: Money): CellError {
  return valueError(`cannot combine ${a.currency} and ${b.currency}: use CONVERT first`);
}

function arithmetic(op: BinaryOp, a: Plain, b: Plain): Value {
  // dates: date ± days, date − date = days
  const aDate = a instanceof DateV || a instanceof DateTimeV;
  const bDate = b instanceof DateV || b instanceof DateTimeV;
  if (aDate || bDate) return dateArithmetic(op, a, b);
  if (a instanceof Money || b instanceof Money) return moneyArithmetic(op, a, b);
  const x = toNumber(a);
  if (isError(x)) return x;
  const y = toNumber(b);
  if (isError(y)) return y;
  return numeric(op, x, y);
}

export function numeric(op: BinaryOp, x: Dec, y: Dec): Dec | CellError {
  switch (op) {
    case '+':
      return checkNumber(cancel(x.plus(y), x, y));
    case '-':
      return checkNumber(cancel(x.minus(y), x, y));
    case '*':
      return checkNumber(x.times(y));
    case '/':
      return y.isZero() ? new CellError('#DIV/0!', 'division by zero') : checkNumber(x.div(y));
    case '%':
      return mod(x, y);
    case '^':
      return power(x, y);
    default:
      return valueError(`unknown operator ${op}`);
  }
}

const CANCEL = dec(10).pow(LIMITS.resultDigits);

/**
 * A sum far below its operands is the residue of digits nobody can observe (20 significant
 * digits): `(1/3)*3 - 1` is 0, not -1e-34. Spreadsheets apply the same rule at 15 digits.
 */
function cancel(r: Dec, x: Dec, y: Dec): Dec {
  if (r.isZero()) return r;
  const larger = x.abs().gt(y.abs()) ? x.abs() : y.abs();
  return r.abs().times(CANCEL).lt(larger) ? dec(0) : r;
}

/** Remainder with the sign of the divisor, as spreadsheets' MOD: MOD(-3, 2) = 1. */
export function mod(x: Dec, y: Dec): Dec | CellError {
  if (y.isZero()) return new CellError('#DIV/0!', 'division by zero in MOD');
  const r = x.minus(y.times(x.div(y).floor()));
  return checkNumber(snap(r).isZero() ? dec(0) : r);
}

/** x^y with a bounded exponent and result; 0^-1 is #DIV/0!, (-8)^(1/3) is #NUM!. */
export function power(x: Dec, y: Dec): Dec | CellError {
  if (y.abs().gt(LIMITS.maxExponent)) return new CellError('#NUM!', `the exponent is beyond ±${LIMITS.maxExponent}`);
  if (x.isZero() && y.isNegative()) return new CellError('#DIV/0!', 'zero to a negative power');
  if (x.isNegative() && !y.isInteger()) return new CellError('#NUM!', 'a negative number to a fractional power');
  if (!x.isZero()) {
    // |x|^y stays within the magnitude limit: y·log10|x| < maxMagnitude
    const magnitude = y.times(x.abs().log(10));
    if (magnitude.abs().gte(LIMITS.maxMagnitude)) return new CellError('#NUM!', 'the result is too large');
  }
  return checkNumber(x.pow(y));
}

function moneyArithmetic(op: BinaryOp, a: Plain, b: Plain): Value {
  if (a instanceof Money && b instanceof Money) {
    if (a.currency !== b.currency) return currencyClash(a, b);
    if (op === '+' || op === '-') {
      const r = numeric(op, a.amount, b.amount);
      return isError(r) ? r : new Money(r, a.currency);
    }
    if (op === '/') return numeric('/', a.amount, b.amount);
    return valueError(`cannot apply ${op} to two money values`);
  }
  const m = (a instanceof Money ? a : b) as Money;
  const other = toNumber(a instanceof Money ? b : a);
  if (isError(other)) return other;
  const moneyLeft = a instanceof Money;
  if (!moneyLeft && (op === '/' || op === '%' || op === '^')) return valueError(`cannot apply ${op} to a number and money`);
  if (op === '^') return valueError('cannot raise money to a power');
  const r = moneyLeft ? numeric(op, m.amount, other) : numeric(op, other, m.amount);
  return isError(r) ? r : new Money(r, m.currency);
}

function dateArithmetic(op: BinaryOp, a: Plain, b: Plain): Value {
  const aDate = a instanceof DateV || a instanceof DateTimeV;
  const bDate = b instanceof DateV || b instanceof DateTimeV;
  if (aDate && bDate) {
    if (op !== '-') return valueError(`cannot apply ${op} to two dates`);
    if (a instanceof DateV && b instanceof DateV) return dec(a.days - b.days);
    return dec(msOf(a as DateV | DateTimeV) - msOf(b as DateV | DateTimeV)).div(MS_PER_DAY);
  }
  const d = (aDate ? a : b) as DateV | DateTimeV;
  const n = toNumber(aDate ? b : a);
  if (isError(n)) return n;
  if (!(op === '+' || (op === '-' && aDate))) return valueError(`cannot apply ${op} to a date and a number`);
  const days = op === '-' ? n.neg() : n;
  return addDays(d, days);
}

export function msOf(d: DateV | DateTimeV): number {
  return d instanceof DateV ? d.days * MS_PER_DAY : d.ms;
}

/** A date plus days (whole days for a date, truncated; fractions of a day for a dateTime). */
export function addDays(d: DateV | DateTimeV, days: Dec): Value {
  if (days.abs().gt(4_000_000)) return new CellError('#NUM!', 'date out of range');
  if (d instanceof DateV) return checkDate(d.days + snap(days).trunc().toNumber());
  return checkDateTime(d.ms + snap(days.times(MS_PER_DAY)).round().toNumber());
}

const MIN_DAYS = -719162; // 0001-01-01
const MAX_DAYS = 2932896; // 9999-12-31

export function checkDate(days: number): DateV | CellError {
  return days < MIN_DAYS || days > MAX_DAYS ? new CellError('#NUM!', 'date out of range') : new DateV(days);
}

export function checkDateTime(ms: number): DateTimeV | CellError {
  return ms < MIN_DAYS * MS_PER_DAY || ms >= (MAX_DAYS + 1) * MS_PER_DAY ? new CellError('#NUM!', 'date out of range') : new DateTimeV(ms);
}

/**
 * Compares two values: <0, 0, >0. Blank equals 0, "", FALSE and sorts before any date.
 * Text is compared ignoring case (as spreadsheets do). Values of kinds that cannot be
 * compared are unequal for `=`, and #VALUE! for an ordering.
 */
export function compare(a: Plain, b: Plain, equality: boolean): number | CellError {
  const incomparable = (): number | CellError => (equality ? Number.NaN : valueError(`cannot compare ${kindOf(a)} with ${kindOf(b)}`));
  if (a === null && b === null) return 0;
  if (a === null || b === null) {
    const other = (a ?? b) as Exclude<Plain, null>;
    const sign = a === null ? 1 : -1;
    if (other instanceof DateV || other instanceof DateTimeV) return -sign;
    const zero: Plain =
      typeof other === 'string'
        ? ''
        : typeof other === 'boolean'
          ? false
          : other instanceof Money
            ? new Money(dec(0), other.currency)
            : dec(0);
    return a === null ? compare(zero, other, equality) : compare(other, zero, equality);
  }
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const aD = a instanceof DateV || a instanceof DateTimeV || typeof a === 'string';
  const bD = b instanceof DateV || b instanceof DateTimeV || typeof b === 'string';
  if (aD && bD) {
    const x = asDateMs(a);
    const y = asDateMs(b);
    if (x === null || y === null) return incomparable();
    return Math.sign(x - y);
  }
  if (a instanceof Money && b instanceof Money && a.currency !== b.currency) {
    return currencyClash(a, b);
  }
  const x = a instanceof Money ? a.amount : isDec(a) ? a : null;
  const y = b instanceof Money ? b.amount : isDec(b) ? b : null;
  if (x === null || y === null) return incomparable();
  return snap(x).comparedTo(snap(y));
}

function asDateMs(v: Plain): number | null {
  if (v instanceof DateV || v instanceof DateTimeV) return msOf(v);
  return typeof v === 'string' ? parseIsoDateTime(v.trim()) : null;
}
