/** Read-only types computed by the engine: formula, lookup, rollup, autonumber. */
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../format/format';
import { base, isEmpty, type UIProps } from './field-type';

/** A computed value of any type, shown by its shape. */
export function formatAny(v: any): string {
  if (isEmpty(v)) return '';
  if (Array.isArray(v)) return v.map(formatAny).join(', ');
  if (typeof v === 'object' && 'amount' in v && 'currency' in v) return formatMoney(String(v.amount), String(v.currency));
  if (typeof v === 'object' && 'error' in v) return `#${String(v.error)}`;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? '✓' : '';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return formatDateTime(v);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

const computed = (p: Partial<UIProps> & Pick<UIProps, 'type' | 'label' | 'icon' | 'description'>) =>
  base({
    group: 'Computed',
    hasDefault: false,
    editor: 'none',
    core: false,
    format: formatAny,
    toText: formatAny,
    parse: () => ({ error: 'is computed and cannot be changed' }),
    ...p,
  });

export const formula = computed({
  type: 'formula',
  label: 'Formula',
  icon: 'ƒ',
  description: 'Computed from other fields, e.g. price * qty',
  defaultOptions: () => ({ expression: '' }),
  summable: true,
});
export const lookup = computed({
  type: 'lookup',
  label: 'Lookup',
  icon: '↳',
  description: 'A field of the linked record (the client’s city)',
  defaultOptions: () => ({ link: '', field: '' }),
});
export const rollup = computed({
  type: 'rollup',
  label: 'Rollup',
  icon: 'Σ',
  description: 'Sum, average, count, min or max over linked records',
  defaultOptions: () => ({ link: '', field: '', aggregate: 'sum' }),
  summable: true,
});
export const autonumber = computed({
  type: 'autonumber',
  label: 'Autonumber',
  icon: '№',
  description: 'A running number such as INV-2026-0001',
  defaultOptions: () => ({ format: '{0000}', gapless: false }),
});
