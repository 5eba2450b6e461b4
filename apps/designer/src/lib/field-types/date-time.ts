import { formatDateTime } from '../format/format';
import { readDate } from './date';
import { base, isEmpty } from './field-type';

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO instant → the value of an `<input type="datetime-local">` in local time. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const dateTime = base({
  type: 'dateTime',
  label: 'Date and time',
  icon: 'clock',
  group: 'Dates',
  description: 'A moment: day and time',
  editor: 'dateTime',
  format: (v) => (isEmpty(v) ? '' : formatDateTime(String(v))),
  toText: (v) => (isEmpty(v) ? '' : toLocalInput(String(v)).replace('T', ' ')),
  parse(t) {
    const s = t.trim();
    if (s === '') return { value: null };
    if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s)) return { value: new Date(s).toISOString() };
    const m = /^(.*?)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
    const day = readDate(m ? m[1] : s);
    if (!day) return { error: 'must be a date and time' };
    const [y, mo, d] = day.split('-').map(Number);
    const local = new Date(y, mo - 1, d, m ? +m[2] : 0, m ? +m[3] : 0, m?.[4] ? +m[4] : 0);
    return { value: local.toISOString() };
  },
});
