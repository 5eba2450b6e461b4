import { base } from './field-type';

export const text = base({
  type: 'text',
  label: 'Text',
  icon: 'Aa',
  group: 'Text',
  description: 'One line of text: names, codes, titles',
  defaultOp: 'contains',
  parse: (t) => (/[\r\n]/.test(t) ? { error: 'must be one line' } : { value: t === '' ? null : t }),
});
