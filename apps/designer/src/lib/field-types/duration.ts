import { formatDuration, parseDuration } from '../format/format';
import { base, isEmpty } from './field-type';

export const duration = base({
  type: 'duration',
  label: 'Duration',
  icon: 'clock',
  group: 'Dates',
  description: 'A length of time (h:mm:ss), stored in seconds',
  editor: 'duration',
  align: 'right',
  summable: true,
  format: (v) => (isEmpty(v) ? '' : formatDuration(Number(v))),
  toText: (v) => (isEmpty(v) ? '' : formatDuration(Number(v))),
  parse(t) {
    if (t.trim() === '') return { value: null };
    const s = parseDuration(t);
    return s === null ? { error: 'must be a duration such as 1:30:00' } : { value: s };
  },
});
