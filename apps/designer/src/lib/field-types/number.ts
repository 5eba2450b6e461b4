import { formatNumber, readDecimal } from '../format/format';
import { base, isEmpty } from './field-type';

export const number = base({
  type: 'number',
  label: 'Number',
  icon: '#',
  group: 'Numbers',
  description: 'A number with a fixed number of decimals',
  editor: 'number',
  align: 'right',
  summable: true,
  defaultOptions: () => ({ scale: 0 }),
  format: (v, f) => (isEmpty(v) ? '' : formatNumber(v, f.options?.scale)),
  parse(t) {
    if (t.trim() === '') return { value: null };
    const d = readDecimal(t);
    return d === null ? { error: 'must be a number' } : { value: d };
  },
});
