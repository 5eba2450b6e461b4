import { base } from './field-type';

const TRUE = new Set(['true', 'yes', 'y', '1', 'x', '✓', '✔', 'ja', 'da', 'oui', 'si', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', '', 'nein', 'nu', 'non', 'off', '-']);

export const boolean = base({
  type: 'boolean',
  label: 'Yes / no',
  icon: '☑',
  group: 'Choices',
  description: 'A check box',
  editor: 'boolean',
  align: 'center',
  format: (v) => (v === true ? '✓' : ''),
  toText: (v) => (v === true ? 'true' : v === false ? 'false' : ''),
  parse(t) {
    const s = t.trim().toLowerCase();
    if (TRUE.has(s)) return { value: true };
    if (FALSE.has(s)) return { value: false };
    return { error: 'must be yes or no' };
  },
});
