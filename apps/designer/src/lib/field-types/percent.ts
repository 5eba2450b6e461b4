/** Percent: 0.19 on the wire, "19 %" on screen; people type percent points. */
import { formatPercent, readDecimal } from '../format/format';
import { base, isEmpty, ORDERED_OPS } from './field-type';

/** Moves the decimal point of a plain decimal string: shift(-2) divides by 100. */
export function shiftDecimal(s: string, places: number): string {
  const neg = s.startsWith('-');
  const [i, f = ''] = s.replace(/^-/, '').split('.');
  let digits = i + f;
  let point = i.length + places;
  if (point < 0) ((digits = '0'.repeat(-point) + digits), (point = 0));
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const out = ((digits.slice(0, point) || '0') + '.' + digits.slice(point)).replace(/^0+(?=\d)/, '').replace(/\.?0*$/, '') || '0';
  return (neg && out !== '0' ? '-' : '') + out;
}

export const percent = base({
  type: 'percent',
  label: 'Percent',
  icon: '%',
  group: 'Numbers',
  description: 'A share, shown as percent (19 % is stored as 0.19)',
  operators: ORDERED_OPS,
  editor: 'percent',
  align: 'right',
  defaultOptions: () => ({}),
  format: (v, f) => (isEmpty(v) ? '' : formatPercent(Number(v), f.options?.scale)),
  toText: (v) => (isEmpty(v) ? '' : shiftDecimal(String(v), 2)),
  parse(t) {
    if (t.trim() === '') return { value: null };
    const d = readDecimal(t.replace('%', ''));
    if (d === null) return { error: 'must be a percentage, e.g. 19' };
    return { value: Number(shiftDecimal(d, -2)) };
  },
});
