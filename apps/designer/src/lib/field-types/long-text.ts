import { base, TEXT_OPS } from './field-type';

export const longText = base({
  type: 'longText',
  label: 'Long text',
  icon: '¶',
  group: 'Text',
  description: 'Several lines: notes, descriptions',
  canBePrimary: true,
  searchable: true,
  canBeUnique: true,
  operators: TEXT_OPS,
  editor: 'longText',
  format: (v) => (v == null ? '' : String(v).replace(/\s*\n\s*/g, ' ⏎ ')),
});
