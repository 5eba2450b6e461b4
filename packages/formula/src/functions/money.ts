/**
 * Money functions: AMOUNT, CURRENCY, CONVERT. CONVERT multiplies by the rate the caller
 * gives (units of `to` per 1 `from`, at a date or the latest); it does not round — rounding
 * is explicit (ROUND). A missing rate is the cell error #RATE!, never a silent 1.0.
 */
import { parseDec } from '../decimal.js';
import { formatIsoDate, MS_PER_DAY } from '../dates.js';
import { money, T } from '../static-types.js';
import { CellError, checkNumber, DateTimeV, DateV, isError, Money, toDays, toText, valueError } from '../values.js';
import { defineFunctions, expectArg, expectArgs, literalText } from './registry.js';

const CODE_RE = /^[A-Z]{3}$/;

export const moneyFunctions = defineFunctions([
  {
    name: 'AMOUNT',
    min: 1,
    max: 1,
    type: (c) => (expectArg(c, 0, 'numOrMoney'), T.number),
    run: ([m]) => (m instanceof Money ? m.amount : m === null ? null : (parseDec(toText(m!)) ?? valueError('AMOUNT expects money'))),
  },
  {
    name: 'CURRENCY',
    min: 1,
    max: 1,
    type: (c) => (expectArg(c, 0, 'money'), T.text),
    run: ([m]) => (m instanceof Money ? m.currency : m === null ? null : valueError('CURRENCY expects money')),
  },
  {
    name: 'CONVERT',
    min: 2,
    max: 3,
    type: (c) => {
      expectArgs(c, ['money', 'text', 'date']);
      const code = literalText(c, 1);
      if (code !== null && !CODE_RE.test(code)) c.fail(1, `"${code}" is not a currency code (three capital letters, e.g. "EUR")`);
      return money(code);
    },
    run: ([m, to, at], rt) => {
      if (m === null) return null;
      if (!(m instanceof Money)) return valueError('CONVERT expects money');
      const target = toText(to!).trim();
      if (!CODE_RE.test(target)) return valueError(`"${target}" is not a currency code`);
      if (m.currency === target) return m;
      let date: string | null = null;
      if (at !== undefined && at !== null) {
        const days = at instanceof DateTimeV ? Math.floor(at.ms / MS_PER_DAY) : at instanceof DateV ? at.days : toDays(at);
        if (isError(days)) return days;
        date = days === null ? null : formatIsoDate(days);
      }
      const raw = rt.ctx.rate ? rt.ctx.rate(m.currency, target, date) : null;
      const rate = raw === null || raw === undefined ? null : parseDec(raw);
      if (rate === null || rate.isNegative() || rate.isZero()) {
        return new CellError('#RATE!', `no exchange rate ${m.currency} → ${target}${date ? ` on ${date}` : ''}`);
      }
      const amount = checkNumber(m.amount.times(rate));
      return isError(amount) ? amount : new Money(amount, target);
    },
  },
]);
