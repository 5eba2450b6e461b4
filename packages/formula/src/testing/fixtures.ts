/** A table used by the formula tests: one field of each kind, and a link to order lines. */
import type { EvalContext, FormulaSchema } from '../types.js';

export const linesTable: FormulaSchema = {
  fields: [
    { id: 'l_amount', key: 'amount', type: 'money', currency: 'EUR' },
    { id: 'l_qty', key: 'qty', type: 'number' },
    { id: 'l_day', key: 'day', type: 'date' },
    { id: 'l_title', key: 'title', type: 'text' },
    { id: 'l_order', key: 'order', type: 'link' },
  ],
};

export const schema: FormulaSchema = {
  fields: [
    { id: 'f_price', key: 'price', type: 'money', currency: 'EUR' },
    { id: 'f_cost', key: 'cost', type: 'money', currency: 'USD' },
    { id: 'f_amt', key: 'amt', type: 'money', currency: null },
    { id: 'f_amt2', key: 'amt2', type: 'money' },
    { id: 'f_qty', key: 'qty', type: 'number' },
    { id: 'f_vat', key: 'vat', type: 'percent' },
    { id: 'f_name', key: 'name', type: 'text' },
    { id: 'f_note', key: 'note', type: 'longText' },
    { id: 'f_flag', key: 'flag', type: 'boolean' },
    { id: 'f_due', key: 'due', type: 'date' },
    { id: 'f_start', key: 'start', type: 'date' },
    { id: 'f_at', key: 'at', type: 'dateTime' },
    { id: 'f_status', key: 'status', type: 'select' },
    { id: 'f_tags', key: 'tags', type: 'multiSelect' },
    { id: 'f_total', key: 'total', type: 'formula', resultType: 'number' },
    { id: 'f_any', key: 'anything', type: 'lookup' },
    { id: 'f_blank_n', key: 'blank_n', type: 'number' },
    { id: 'f_blank_d', key: 'blank_d', type: 'date' },
    { id: 'f_empty_t', key: 'empty_t', type: 'text' },
    { id: 'f_lines', key: 'lines', type: 'link', linkTable: linesTable },
    { id: 'f_unit', key: 'unit', type: 'text' },
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
