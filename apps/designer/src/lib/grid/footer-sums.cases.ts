/**
 * The table of footer-sum cases: a column, its cells in wire form (as the API returns them),
 * and the total as `POST …/records/aggregate` answers it over the same records. Shared by
 * footer-sums.spec.ts (the designer's sum of loaded rows gives exactly that) and
 * tests/api/footer-sums.int-spec.ts (the server answers exactly that, on PGlite and
 * PostgreSQL). Not part of the app.
 */
export interface FooterCase {
  name: string;
  type: 'number' | 'money' | 'duration';
  options: Record<string, unknown>;
  /** Cells in wire form; null is an empty cell. */
  cells: unknown[];
  /** The aggregate's sum: a decimal string, or money `{amount, currency}`. */
  total: string | { amount: string; currency: string };
}

export const FOOTER_CASES: FooterCase[] = [
  { name: 'binary floats do not leak: 0.1 + 0.2', type: 'number', options: {}, cells: [0.1, 0.2], total: '0.3' },
  { name: 'sums to zero', type: 'number', options: {}, cells: [1.5, 2.5, -4], total: '0' },
  { name: 'empty cells are skipped', type: 'number', options: {}, cells: [null, 3, null, 4], total: '7' },
  { name: 'thousandths cancel', type: 'number', options: {}, cells: [-0.005, 0.005, 12.345], total: '12.345' },
  {
    name: 'wire numbers in exponent form, read to their 15 digits',
    type: 'number',
    options: {},
    cells: [1.23456789012345e-10, 1],
    total: '1.000000000123456789012345',
  },
  { name: 'tiny wire numbers', type: 'number', options: {}, cells: [0.000001, 1e-7], total: '0.0000011' },
  {
    name: 'more than 15 digits come as strings and stay exact',
    type: 'number',
    options: {},
    cells: ['1234567890123456.78', 0.22],
    total: '1234567890123457',
  },
  { name: 'past 20 digits', type: 'number', options: {}, cells: ['99999999999999999999.99', 0.01], total: '100000000000000000000' },
  { name: 'scale 2 sums lose their zeros as the server writes them', type: 'number', options: { scale: 2 }, cells: [1.1, 2.9], total: '4' },
  {
    name: 'money in euros keeps its cents',
    type: 'money',
    options: { currency: 'EUR' },
    cells: [
      { amount: '0.10', currency: 'EUR' },
      { amount: '0.20', currency: 'EUR' },
    ],
    total: { amount: '0.30', currency: 'EUR' },
  },
  {
    name: 'money that cancels',
    type: 'money',
    options: { currency: 'EUR' },
    cells: [
      { amount: '19.99', currency: 'EUR' },
      { amount: '0.01', currency: 'EUR' },
      { amount: '-20.00', currency: 'EUR' },
    ],
    total: { amount: '0.00', currency: 'EUR' },
  },
  {
    name: 'money past a million',
    type: 'money',
    options: { currency: 'EUR' },
    cells: [
      { amount: '1000000.05', currency: 'EUR' },
      { amount: '0.95', currency: 'EUR' },
    ],
    total: { amount: '1000001.00', currency: 'EUR' },
  },
  {
    name: 'yen have no minor units',
    type: 'money',
    options: { currency: 'JPY' },
    cells: [
      { amount: '1200', currency: 'JPY' },
      { amount: '34', currency: 'JPY' },
    ],
    total: { amount: '1234', currency: 'JPY' },
  },
  {
    name: 'dinars have three',
    type: 'money',
    options: { currency: 'KWD' },
    cells: [
      { amount: '1.005', currency: 'KWD' },
      { amount: '2.000', currency: 'KWD' },
    ],
    total: { amount: '3.005', currency: 'KWD' },
  },
  { name: 'durations in seconds', type: 'duration', options: {}, cells: [90, 30.5, null], total: '120.5' },
];
