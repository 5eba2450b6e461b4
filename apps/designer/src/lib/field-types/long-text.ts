import { base } from './field-type';

export const longText = base({
  type: 'longText',
  label: 'Long text',
  icon: '¶',
  group: 'Text',
  description: 'Several lines: notes, descriptions',
  defaultOp: 'contains',
  editor: 'longText',
  format: (v) => (v == null ? '' : String(v).replace(/\s*\n\s*/g, ' ⏎ ')),
});
