import { base, TEXT_OPS } from './field-type';

export const text = base({
  type: 'text',
  label: 'Text',
  icon: 'Aa',
  group: 'Text',
  description: 'One line of text: names, codes, titles',
  canBePrimary: true,
  searchable: true,
  canBeUnique: true,
  operators: TEXT_OPS,
  parse: (t) => (/[\r\n]/.test(t) ? { error: 'must be one line' } : { value: t === '' ? null : t }),
});
