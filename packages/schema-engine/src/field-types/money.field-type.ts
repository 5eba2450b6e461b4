/**
 * Money: an exact decimal amount and an ISO 4217 currency. Never a binary float: the amount
 * is a decimal string in JSON and NUMERIC in SQL.
 *
 * - Options `{currency}`: a fixed currency for every value, or none (null) for a currency
 *   per value.
 * - Wire `{"amount":"19.99","currency":"EUR"}`. A bare amount (decimal string or JS number)
 *   takes the field's fixed currency; on a per-value field it is CURRENCY_REQUIRED. A fixed
 *   field refuses another currency (CURRENCY_MISMATCH). More decimals than the currency's
 *   minor units is TOO_MANY_DECIMALS, never a rounding.
 * - Stored `{"a":"19.99","c":"EUR"}`, the amount padded to the minor units, so "0.1"
 *   becomes "0.10" and "0.10" stays "0.10".
 * - Filters compare the amount. On a per-value field an operand that names a currency
 *   (`{"amount":"100","currency":"USD"}`) also restricts the rows to that currency.
 */
import { ValueError } from '../errors.js';
import { formatDecimal, parseDecimal } from '../decimal.js';
import { isCurrency, minorUnits } from '../currencies.js';
import { compileDefault } from '../query/filter-compiler.js';
import { slotJson } from '../query/sql-builder.js';
import type { FieldMeta, FieldTypeDef, FormatOptions } from '../types.js';
import { onlyKeys, optionsObject, ORDERED_OPS } from './common.js';
import { isPlainObject } from '../plain-object.js';

export interface MoneyOptions extends Record<string, unknown> {
  currency?: string;
}

export interface StoredMoney {
  a: string;
  c: string;
}

export interface WireMoney {
  amount: string;
  currency: string;
}

function fixedCurrency(field: FieldMeta): string | undefined {
  const c = field.options.currency;
  return typeof c === 'string' ? c : undefined;
}

function checkCurrency(code: unknown): string {
  if (!isCurrency(code)) {
    const shown = typeof code === 'string' ? JSON.stringify(code.slice(0, 10)) : 'it';
    throw new ValueError('INVALID_CURRENCY', `${shown} is not an ISO 4217 currency code (three capital letters, e.g. "EUR")`);
  }
  return code;
}

/** Splits a wire amount or `{amount, currency}` into its parts, without applying the field's rules. */
function splitMoney(input: unknown): { amount: unknown; currency: string | undefined } {
  if (isPlainObject(input)) {
    for (const k of Object.keys(input)) {
      if (k !== 'amount' && k !== 'currency')
        throw new ValueError('INVALID_MONEY', `unexpected key "${k.slice(0, 30)}": money is {"amount","currency"}`);
    }
    if (input.amount === undefined || input.amount === null || input.amount === '')
      throw new ValueError('INVALID_MONEY', 'amount is missing');
    const c = input.currency;
    return { amount: input.amount, currency: c === undefined || c === null ? undefined : checkCurrency(c) };
  }
  if (typeof input === 'object' && input !== null)
    throw new ValueError('INVALID_MONEY', 'must be {"amount","currency"} or a decimal amount');
  return { amount: input, currency: undefined };
}

function amountOf(raw: unknown) {
  if (typeof raw !== 'string' && typeof raw !== 'number')
    throw new ValueError('NOT_A_NUMBER', 'the amount must be a decimal string or a number');
  return parseDecimal(raw);
}

function resolveCurrency(given: string | undefined, field: FieldMeta): string {
  const fixed = fixedCurrency(field);
  if (given === undefined) {
    if (!fixed) throw new ValueError('CURRENCY_REQUIRED', 'a currency is needed: {"amount","currency"}');
    return fixed;
  }
  if (fixed && given !== fixed) throw new ValueError('CURRENCY_MISMATCH', `this field holds ${fixed}, not ${given}`);
  return given;
}

/** Wire money → stored `{a, c}`. */
export function coerceMoney(input: unknown, field: FieldMeta): StoredMoney {
  const { amount, currency: given } = splitMoney(input);
  const c = resolveCurrency(given, field);
  const d = amountOf(amount);
  const units = minorUnits(c);
  if (d.frac.length > units) {
    throw new ValueError(
      'TOO_MANY_DECIMALS',
      units === 0 ? `${c} amounts are whole numbers` : `${c} amounts have at most ${units} decimals`,
    );
  }
  return { a: formatDecimal(d, units), c };
}

/** Formats an exact amount with Intl, digits fixed to the currency's minor units. */
export function formatMoney(amount: string, currency: string, opts?: FormatOptions): string {
  if (!isCurrency(currency)) return amount;
  const units = minorUnits(currency);
  return new Intl.NumberFormat(opts?.locale ?? 'en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: units,
    maximumFractionDigits: Math.max(units, parseDecimal(amount).frac.length),
  }).format(amount as unknown as number);
}

export const moneyFieldType: FieldTypeDef<MoneyOptions> = {
  type: 'money',
  computed: false,
  derived: false,
  formulaType: (field) => ({ type: 'money', currency: (field.options.currency as string | undefined) ?? null }),
  sortable: true,
  canBePrimary: false,
  searchable: false,
  canBeUnique: false,
  operators: ORDERED_OPS,
  sqlKind: 'numeric',
  parseOptions(raw) {
    const o = optionsObject(raw);
    onlyKeys(o, ['currency']);
    if (o.currency === undefined || o.currency === null) return {};
    return { currency: checkCurrency(o.currency) };
  },
  coerce: (input, field) => coerceMoney(input, field),
  toWire(stored): WireMoney {
    const s = stored as Partial<StoredMoney>;
    return { amount: String(s.a), currency: String(s.c) };
  },
  sqlExpr: (field, alias) => `((${slotJson(alias, field.slot)}->>'a'))::numeric`,
  filterOperand(value, field) {
    const { amount, currency } = splitMoney(value);
    if (currency !== undefined && fixedCurrency(field)) resolveCurrency(currency, field);
    return formatDecimal(amountOf(amount));
  },
  compileOp(op, value, field, alias, sql, ctx) {
    if (fixedCurrency(field) || op === 'isEmpty' || op === 'isNotEmpty') return undefined;
    const items = op === 'between' || op === 'in' || op === 'nin' ? value : [value];
    if (!Array.isArray(items)) return undefined; // the default reports the shape error
    const named = items.map((v) => splitMoney(v).currency);
    const currencies = new Set(named.filter((c) => c !== undefined));
    if (currencies.size === 0) return undefined;
    if (currencies.size > 1 || named.includes(undefined)) {
      throw new ValueError('MIXED_CURRENCIES', 'the amounts of one condition must all name the same currency, or none');
    }
    const cctx = { alias, sql, today: () => ctx.today(), now: () => ctx.now(), timeZone: ctx.timeZone };
    const base = op === 'ne' ? 'eq' : op === 'nin' ? 'in' : op;
    const amountCond = compileDefault(base, value, field, cctx);
    const cond = `((${amountCond}) AND (${slotJson(alias, field.slot)}->>'c') = ${sql.param([...currencies][0])})`;
    return op === 'ne' || op === 'nin' ? `NOT COALESCE(${cond}, FALSE)` : cond;
  },
  format(wire, field, opts) {
    if (wire === null || wire === undefined || wire === '') return '';
    try {
      const { amount, currency } = splitMoney(wire);
      const c = currency ?? fixedCurrency(field);
      const text = formatDecimal(amountOf(amount));
      return c ? formatMoney(text, c, opts) : text;
    } catch {
      return '';
    }
  },
};
