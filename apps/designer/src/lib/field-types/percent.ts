/** Percent: 0.19 on the wire, "19 %" on screen; people type percent points. */
import { formatPercent, readDecimal } from '../format/format';
import { isDecimal, shiftDecimal } from '@tabula/schema-engine/wire';
import { base, isEmpty } from './field-type';

/** A wire fraction → percent points as text (0.195 → "19.5"), exactly; what is not a number stays as it is. */
export function toPoints(v: unknown): string {
  return typeof v === 'number' || isDecimal(v) ? shiftDecimal(v as number | string, 2) : String(v);
}

/** Typed percent points ("19,5 %" in de) → the wire fraction (0.195), or null when it is not a number. */
export function fromPoints(text: string): number | null {
  const d = readDecimal(text.replace('%', ''));
  return d !== null && isDecimal(d) ? Number(shiftDecimal(d, -2)) : null;
}

export const percent = base({
  type: 'percent',
  label: 'Percent',
  icon: '%',
  group: 'Numbers',
  description: 'A share, shown as percent (19 % is stored as 0.19)',
  editor: 'percent',
  align: 'right',
  defaultOptions: () => ({}),
  format: (v, f) => (isEmpty(v) ? '' : formatPercent(Number(v), f.options?.scale)),
  toText: (v) => (isEmpty(v) ? '' : toPoints(v)),
  parse(t) {
    if (t.trim() === '') return { value: null };
    const v = fromPoints(t);
    return v === null ? { error: 'must be a percentage, e.g. 19' } : { value: v };
  },
});
