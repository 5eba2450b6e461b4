/** A table used by the formula tests: one field of each kind, and a link to order lines. */
import type { EvalContext, FormulaSchema } from '../types.js';
import { field } from './fields.js';

export const linesTable: FormulaSchema = {
  fields: [
    field('l_amount', 'amount', 'money', { currency: 'EUR' }),
    field('l_qty', 'qty', 'number'),
    field('l_day', 'day', 'date'),
    field('l_title', 'title', 'text'),
    field('l_order', 'order', 'link', { table: 'linked' }),
  ],
};

export const schema: FormulaSchema = {
  fields: [
    field('f_price', 'price', 'money', { currency: 'EUR' }),
    field('f_cost', 'cost', 'money', { currency: 'USD' }),
    field('f_amt', 'amt', 'money', { currency: null }),
    field('f_amt2', 'amt2', 'money'),
    field('f_qty', 'qty', 'number'),
    field('f_vat', 'vat', 'percent'),
    field('f_name', 'name', 'text'),
    field('f_note', 'note', 'longText'),
    field('f_flag', 'flag', 'boolean'),
    field('f_due', 'due', 'date'),
    field('f_start', 'start', 'date'),
    field('f_at', 'at', 'dateTime'),
    field('f_status', 'status', 'select'),
    field('f_tags', 'tags', 'multiSelect'),
    field('f_total', 'total', 'formula', { resultType: 'number' }),
    field('f_any', 'anything', 'lookup'),
    field('f_blank_n', 'blank_n', 'number'),
    field('f_blank_d', 'blank_d', 'date'),
    field('f_empty_t', 'empty_t', 'text'),
    field('f_lines', 'lines', 'link', { table: 'linked' }, linesTable),
    field('f_unit', 'unit', 'text'),
  ],
};

/** One record, in wire form, keyed by field id. */
export const row: Record<string, unknown> = {
  f_price: { amount: '19.99', currency: 'EUR' },
  f_cost: { amount: '5.00', currency: 'USD' },
  f_amt: { amount: '10.00', currency: 'EUR' },
  f_amt2: { amount: '2.50', currency: 'EUR' },
  f_qty: 3,
  f_vat: '0.19',
  f_name: 'Ana',
  f_note: '  hello   world  ',
  f_flag: true,
  f_due: '2024-01-31',
  f_start: '2023-12-15',
  f_at: '2024-03-10T14:05:09Z',
  f_status: 'Closed',
  f_tags: ['red', 'blue'],
  f_total: '12.5',
  f_any: 7,
  f_blank_n: null,
  f_blank_d: null,
  f_empty_t: null,
  f_unit: 'month',
};

const RATES: Record<string, string> = {
  'EUR>USD': '1.1',
  'USD>EUR': '0.9',
  'EUR>USD@2024-01-31': '1.0846',
  'EUR>RON': '4.9737',
};

export function context(values: Record<string, unknown> = {}, aggregates: Record<string, unknown> = {}): EvalContext {
  return {
    values: { ...row, ...values },
    aggregates,
    rate: (from, to, date) => RATES[`${from}>${to}${date ? `@${date}` : ''}`] ?? null,
    today: () => '2026-11-26',
    now: () => new Date('2026-11-26T09:30:00.000Z'),
  };
}
