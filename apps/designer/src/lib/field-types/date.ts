import { formatDate, locale } from '../format/format';
import { base, isEmpty } from './field-type';

/** The order of day, month and year in the locale's short date ("dmy", "mdy", "ymd"). */
let ordered: { locale: string; order: string } | undefined;
function dateOrder(): string {
  if (ordered?.locale !== locale) {
    const order = new Intl.DateTimeFormat(locale)
      .formatToParts(new Date(2026, 10, 26))
      .filter((p) => p.type === 'day' || p.type === 'month' || p.type === 'year')
      .map((p) => p.type[0])
      .join('');
    ordered = { locale, order };
  }
  return ordered.order;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-26", "26.11.2026", "11/26/2026" (by locale) → "2026-11-26", or null. */
export function readDate(text: string): string | null {
  const t = text.trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(t);
  if (iso) [y, m, d] = [+iso[1], +iso[2], +iso[3]];
  else {
    const parts = t
      .split(/[./\-\s]+/)
      .filter(Boolean)
      .map(Number);
    if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n))) return null;
    const order = parts[0] > 31 ? 'ymd' : dateOrder();
    const at = (c: string) => parts[order.indexOf(c)];
    [y, m, d] = [at('y'), at('m'), at('d')];
    if (y < 100) y += 2000;
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

export const date = base({
  type: 'date',
  label: 'Date',
  icon: 'calendar',
  group: 'Dates',
  description: 'A calendar day',
  editor: 'date',
  format: (v) => (isEmpty(v) ? '' : formatDate(String(v))),
  parse(t) {
    if (t.trim() === '') return { value: null };
    const d = readDate(t);
    return d ? { value: d } : { error: 'must be a date' };
  },
});
