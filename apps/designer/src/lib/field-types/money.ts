/** Money: `{"amount":"19.99","currency":"EUR"}`; amounts stay decimal strings. */
import { formatMoney, readDecimal } from '../format/format';
import { base, isEmpty } from './field-type';
import { workspace } from '../state/workspace.svelte';

const CODE_RE = /\b([A-Za-z]{3})\b/;
const SYMBOLS: Record<string, string> = {
  '€': 'EUR',
  $: 'USD',
  '£': 'GBP',
  '¥': 'JPY',
  lei: 'RON',
  '₽': 'RUB',
  '₴': 'UAH',
  zł: 'PLN',
  Kč: 'CZK',
  '₹': 'INR',
  CHF: 'CHF',
};

export const money = base({
  type: 'money',
  label: 'Money',
  icon: '¤',
  group: 'Numbers',
  description: 'An exact amount in a currency',
  editor: 'money',
  align: 'right',
  summable: true,
  defaultOptions: () => ({ currency: workspace.baseCurrency }),
  format: (v, f) =>
    isEmpty(v)
      ? ''
      : typeof v === 'object'
        ? formatMoney(v.amount, v.currency ?? f.options?.currency ?? workspace.baseCurrency)
        : String(v),
  toText: (v, f) =>
    isEmpty(v) ? '' : typeof v === 'object' ? (f.options?.currency ? String(v.amount) : `${v.amount} ${v.currency}`) : String(v),
  parse(t, f, current) {
    if (t.trim() === '') return { value: null };
    let currency: string | undefined;
    let rest = t;
    const m = CODE_RE.exec(t);
    if (m) {
      currency = m[1].toUpperCase();
      rest = t.replace(m[0], '');
    } else {
      for (const [sym, code] of Object.entries(SYMBOLS)) {
        if (t.includes(sym)) {
          currency = code;
          rest = t.replace(sym, '');
        }
      }
    }
    const amount = readDecimal(rest);
    if (amount === null) return { error: 'must be an amount, e.g. 19.99' };
    const fixed = f.options?.currency as string | undefined;
    if (fixed) {
      if (currency && currency !== fixed) return { error: `this field is in ${fixed}` };
      return { value: { amount, currency: fixed } };
    }
    // no code typed: the value's currency so far, else the workspace's base currency
    currency ??= current?.currency ?? workspace.baseCurrency;
    if (!currency) return { error: `add a currency code, e.g. 19.99 ${workspace.baseCurrency}` };
    return { value: { amount, currency } };
  },
});
