/** Link: the ids of records of another table; shown by their primary field. */
import { linkLabel } from '../state/links.svelte';
import { base } from './field-type';

export const link = base({
  type: 'link',
  label: 'Link to records',
  icon: '↗',
  group: 'Relations',
  description: 'Records of another table (a client’s orders, an order’s lines)',
  hasDefault: false,
  editor: 'link',
  core: false,
  defaultOptions: () => ({ table: '', multiple: true, onDelete: 'restrict' }),
  format: (v, f) => (Array.isArray(v) ? v.map((id: string) => linkLabel(f.options?.table, id)).join(', ') : ''),
  toText: (v, f) => (Array.isArray(v) ? v.map((id: string) => linkLabel(f.options?.table, id)).join(', ') : ''),
  parse: () => ({ error: 'pick linked records on the card' }),
});
