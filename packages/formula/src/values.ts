/**
 * Runtime values of the evaluator and their conversions from and to the wire form.
 *
 * Inside, a value is one of: null (blank), a BigNumber (number), a string (text), a
 * boolean, Money, DateV, DateTimeV, or CellError. A CellError is a value, not an
 * exception: it flows through operators and functions (errors propagate) and comes out
 * as `{error, message}` in the cell.
 */
import { decToString, dec, inRange, isDec, parseDec, type Dec } from './decimal.js';
import { formatIsoDate, formatIsoDateTime, MS_PER_DAY, parseIsoDateTime } from './dates.js';
import { LIMITS } from './limits.js';
import type { CellErrorCode, FormulaValue, TypeInfo } from './types.js';

export class Money {
  constructor(
    readonly amount: Dec,
    readonly currency: string,
  ) {}
}

export class DateV {
  constructor(readonly days: number) {}
}

export class DateTimeV {
  constructor(readonly ms: number) {}
}

export class CellError {
  constructor(
    readonly code: CellErrorCode,
    readonly message: string,
  ) {}
}

export type Value = null | Dec | string | boolean | Money | DateV | DateTimeV | CellError;

export type Kind = 'blank' | 'number' | 'text' | 'boolean' | 'money' | 'date' | 'dateTime' | 'error';

export function kindOf(v: Value): Kind {
  if (v === null) return 'blank';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'boolean') return 'boolean';
  if (v instanceof Money) return 'money';
  if (v instanceof DateV) return 'date';
  if (v instanceof DateTimeV) return 'dateTime';
  if (v instanceof CellError) return 'error';
  return 'number';
}

export const isError = (v: unknown): v is CellError => v instanceof CellError;

export const valueError = (message: string): CellError => new CellError('#VALUE!', message);

const ERROR_CODES: readonly string[] = ['#DIV/0!', '#VALUE!', '#RATE!', '#NUM!', '#REF!'];
const CURRENCY_RE = /^[A-Za-z0-9]{1,10}$/;

/** A number the formula produced: beyond the magnitude limit it is #NUM!. */
export function checkNumber(d: Dec): Dec | CellError {
  if (!d.isFinite() || !inRange(d)) return new CellError('#NUM!', 'the number is too large');
  return d;
}

export function checkText(s: string): string | CellError {
  return s.length > LIMITS.maxTextLength ? valueError(`text longer than ${LIMITS.maxTextLength} characters`) : s;
}

export function moneyText(m: Money): string {
  return `${decToString(m.amount)} ${m.currency}`;
}

/** The text of a value, as `&`, CONCAT and the text functions see it (blank = ""). */
export function toText(v: Exclude<Value, CellError>): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Money) return moneyText(v);
  if (v instanceof DateV) return formatIsoDate(v.days);
  if (v instanceof DateTimeV) return formatIsoDateTime(v.ms);
  return decToString(v);
}

/** A number operand: blank = 0, TRUE = 1, numeric text is read as a number. */
export function toNumber(v: Exclude<Value, CellError>): Dec | CellError {
  if (v === null) return dec(0);
  if (typeof v === 'boolean') return dec(v ? 1 : 0);
  if (typeof v === 'string') return parseDec(v) ?? valueError(`"${clip(v)}" is not a number`);
  if (isDec(v)) return v;
  return valueError(`expected a number, got ${kindOf(v)}`);
}

/** A condition: blank = FALSE, a number is true when not zero, "TRUE"/"FALSE" text. */
export function toBool(v: Exclude<Value, CellError>): boolean | CellError {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (isDec(v)) return !v.isZero();
  if (typeof v === 'string') {
    const u = v.trim().toUpperCase();
    if (u === 'TRUE' || u === 'FALSE') return u === 'TRUE';
  }
  return valueError(`expected TRUE or FALSE, got ${kindOf(v)}`);
}

/** A date operand: a date, the date part of a dateTime (UTC), or ISO text; null when blank. */
export function toDays(v: Exclude<Value, CellError>): number | null | CellError {
  if (v === null) return null;
  if (v instanceof DateV) return v.days;
  if (v instanceof DateTimeV) return Math.floor(v.ms / MS_PER_DAY);
  if (typeof v === 'string') {
    if (v === '') return null;
    const ms = parseIsoDateTime(v.trim());
    if (ms !== null) return Math.floor(ms / MS_PER_DAY);
  }
  return valueError(`expected a date, got ${kindOf(v)}`);
}

export function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function wireMoney(raw: unknown, fixed: string | null | undefined): Value {
  if (isRecord(raw)) {
    const amount = parseDec(raw['amount']);
    const currency = raw['currency'] ?? fixed;
    if (amount && typeof currency === 'string' && CURRENCY_RE.test(currency)) return new Money(amount, currency);
    return valueError('not a money value');
  }
  const amount = parseDec(raw);
  if (amount && fixed) return new Money(amount, fixed);
  return valueError('not a money value');
}

/** A value received from the caller (wire form) as the evaluator's value of static type `t`. */
export function fromWire(raw: unknown, t: TypeInfo): Value {
  if (raw === null || raw === undefined) return null;
  if (isRecord(raw) && typeof raw['error'] === 'string') {
    const code = ERROR_CODES.includes(raw['error']) ? (raw['error'] as CellErrorCode) : '#VALUE!';
    return new CellError(code, typeof raw['message'] === 'string' ? raw['message'] : 'error in a referenced field');
  }
  if (Array.isArray(raw)) {
    // multiSelect and many-valued lookups
    if (raw.length === 0) return null;
    if (raw.length === 1) return fromWire(raw[0], t);
    const parts = raw.map((r) => fromWire(r, t.type === 'text' ? { type: 'any' } : t));
    if (t.type !== 'text' && t.type !== 'any') return valueError(`a list of ${raw.length} values where one is expected`);
    const bad = parts.find(isError);
    return bad ?? checkText(parts.map((p) => toText(p as Exclude<Value, CellError>)).join(', '));
  }
  switch (t.type) {
    case 'number':
      return parseDec(raw) ?? valueError('not a number');
    case 'money':
      return wireMoney(raw, t.currency);
    case 'text':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return toText(fromWire(raw, { type: 'any' }) as Dec | boolean);
      return valueError('not a text');
    case 'boolean':
      return typeof raw === 'boolean' ? raw : valueError('not a boolean');
    case 'date': {
      const ms = typeof raw === 'string' ? parseIsoDateTime(raw) : raw instanceof Date ? raw.getTime() : null;
      return ms === null || !Number.isFinite(ms) ? valueError('not a date') : new DateV(Math.floor(ms / MS_PER_DAY));
    }
    case 'dateTime': {
      const ms = typeof raw === 'string' ? parseIsoDateTime(raw) : raw instanceof Date ? raw.getTime() : null;
      return ms === null || !Number.isFinite(ms) ? valueError('not a date-time') : new DateTimeV(ms);
    }
    case 'blank':
      return null;
    case 'any':
      if (typeof raw === 'boolean' || typeof raw === 'string') return raw;
      if (typeof raw === 'number') return parseDec(raw) ?? valueError('not a finite number');
      if (isRecord(raw) && 'amount' in raw) return wireMoney(raw, null);
      if (raw instanceof Date) return new DateTimeV(raw.getTime());
      return valueError('unsupported value');
  }
}

/** The evaluator's final value in wire form. */
export function toWire(v: Value): FormulaValue {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = checkText(v);
    return isError(t) ? toWire(t) : t;
  }
  if (v instanceof CellError) return { error: v.code, message: v.message };
  if (v instanceof Money) {
    const a = checkNumber(v.amount);
    return isError(a) ? toWire(a) : { amount: decToString(a), currency: v.currency };
  }
  if (v instanceof DateV) return formatIsoDate(v.days);
  if (v instanceof DateTimeV) return formatIsoDateTime(v.ms);
  const n = checkNumber(v);
  return isError(n) ? toWire(n) : decToString(n);
}
